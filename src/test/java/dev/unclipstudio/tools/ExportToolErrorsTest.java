package dev.unclipstudio.tools;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.unclipstudio.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export tools (tools/export, Debian's Python with python3-torch) refuse bad checkpoint folders
 * with the file's name and what was expected, exit 2, and build nothing. Skipped where Debian's
 * Python lacks torch or the reference code is absent; .ci/run installs the packages.
 */
class ExportToolErrorsTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path REFERENCE = Fixtures.SHARED.resolve("reference-code");

  @TempDir Path temp;

  @BeforeAll
  static void needsTorchAndTheReferenceCode() throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON)
            && run(List.of(PYTHON.toString(), "-c", "import torch, onnx, omegaconf")).code == 0,
        "Debian's python3 with python3-torch, python3-onnx and python3-omegaconf is not installed;"
            + " skipping the export tool checks");
    Fixtures.requireFile(REFERENCE.resolve("karlo/README.md"), "Karlo reference code");
  }

  @Test
  void karloNamesAMissingCheckpointBeforeBuildingAnything() throws Exception {
    Result r = export("karlo_export.py", temp);
    assertEquals(2, r.code, r.err);
    assertContains(r.err, "missing checkpoint " + temp.resolve("ViT-L-14.pt"));
    assertContains(r.err, "expected ViT-L-14.pt, the CLIP ViT-L/14");
    assertEquals(List.of(), listing(temp.resolve("out")), "nothing written");
  }

  @Test
  void karloNamesAFileThatIsNotACheckpoint() throws Exception {
    for (String file :
        List.of(
            "ViT-L-14.pt",
            "ViT-L-14_stats.th",
            "prior-ckpt-step=01000000-of-01000000.ckpt",
            "decoder-ckpt-step=01000000-of-01000000.ckpt",
            "improved-sr-ckpt-step=1.2M.ckpt")) {
      Files.writeString(temp.resolve(file), "<html>404 Not Found</html>"); // a failed download
    }
    Result r = export("karlo_export.py", temp);
    assertEquals(2, r.code, r.err);
    assertContains(r.err, temp.resolve("ViT-L-14.pt") + " cannot be read as the CLIP ViT-L/14");
    assertContains(r.err, "expected ViT-L-14.pt");
  }

  @Test
  void karloNamesACheckpointOfTheWrongKind() throws Exception {
    for (String file :
        List.of(
            "ViT-L-14_stats.th",
            "prior-ckpt-step=01000000-of-01000000.ckpt",
            "decoder-ckpt-step=01000000-of-01000000.ckpt",
            "improved-sr-ckpt-step=1.2M.ckpt")) {
      Files.writeString(temp.resolve(file), "unused");
    }
    // a real PyTorch file, but a state dict where Karlo's loader wants a pickled CLIP model
    Path clip = temp.resolve("ViT-L-14.pt");
    assertEquals(
        0,
        run(List.of(
                PYTHON.toString(),
                "-c",
                "import sys, torch; torch.save({'text_projection': torch.zeros(2, 2)}, sys.argv[1])",
                clip.toString()))
            .code);
    Result r = export("karlo_export.py", temp);
    assertEquals(2, r.code, r.err);
    assertContains(r.err, clip + " is not the CLIP ViT-L/14 (Karlo's copy) (AttributeError");
  }

  @Test
  void glideNamesAMissingCheckpoint() throws Exception {
    Result r = export("glide_export.py", temp);
    assertEquals(2, r.code, r.err);
    assertContains(r.err, "missing checkpoint " + temp.resolve("base-inpaint.pt"));
  }

  @Test
  void glideNamesAFileThatIsNotACheckpoint() throws Exception {
    Files.writeString(temp.resolve("base-inpaint.pt"), "<html>404 Not Found</html>");
    Files.writeString(temp.resolve("upsample-inpaint.pt"), "<html>404 Not Found</html>");
    Result r = export("glide_export.py", temp);
    assertEquals(2, r.code, r.err);
    assertContains(r.err, temp.resolve("base-inpaint.pt") + " is not a PyTorch checkpoint");
  }

  private Result export(String tool, Path checkpoints) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(PYTHON.toString());
    command.add(Path.of("tools/export").resolve(tool).toString());
    command.add("--reference-code");
    command.add(
        tool.startsWith("glide")
            ? REFERENCE.resolve("glide-text2im").toString()
            : REFERENCE.toString());
    command.addAll(List.of("--checkpoints", checkpoints.toString()));
    command.addAll(List.of("--out", temp.resolve("out").toString()));
    return run(command);
  }

  private static List<Path> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  private record Result(int code, String err) {}

  private static Result run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), err);
  }
}
