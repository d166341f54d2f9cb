package dev.unclipstudio.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tiny pack's training recipe holds maths that no exported model shows: the interpolation
 * frames its decoder learns from (world.morph: ends equal to the renders, linear background and
 * fades, no jump by issue 12's measure) and the slerp that pairs them with embeddings (the engine's
 * formula). training/tools/check_recipe.py checks them; training/tools/check_card.py checks that
 * the model card refuses figures of other files than the pack's. Skipped where Debian's Python
 * lacks torch (.ci/run installs it).
 */
class TrainingRecipeTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @Test
  void interpolationFramesAndSlerpHoldWhatTheDecoderIsTaught() throws Exception {
    assertCheckHolds("training/tools/check_recipe.py", "torch", "PIL");
  }

  @Test
  void modelCardDescribesOnlyTheFilesThatShip() throws Exception {
    assertCheckHolds("training/tools/check_card.py", "torch", "onnx");
  }

  /**
   * Runs a check script with Debian's python3; skips where it lacks the modules the script needs.
   */
  private static void assertCheckHolds(String script, String... modules) throws Exception {
    String needs = String.join(", ", modules);
    assumeTrue(
        Files.isExecutable(PYTHON) && run("-c", "import " + needs).code == 0,
        "Debian's python3 with " + needs + " is not installed; skipping " + script);
    Result r = run(script);
    assertEquals(0, r.code, r.output);
  }

  private record Result(int code, String output) {}

  private static Result run(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = PYTHON.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), output);
  }
}
