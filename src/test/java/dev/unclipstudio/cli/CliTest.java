package dev.unclipstudio.cli;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.job.RequestRules;
import dev.unclipstudio.pipeline.glide.GlideSmallPack;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command on the tiny pack with few steps. */
class CliTest {

  @TempDir Path temp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    Cli cli =
        new Cli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("UNCLIP_PACK", Fixtures.requireTinyPack().toString()));
    return cli.execute(args);
  }

  private List<Path> written() {
    return out.toString(StandardCharsets.UTF_8).lines().map(Path::of).toList();
  }

  @Test
  void generateWritesOnePngPerImageWithItsParameters() throws Exception {
    Path dir = temp.resolve("gen");
    assertEquals(
        0,
        run(
            "generate",
            "a red circle",
            "--images",
            "2",
            "--seed",
            "7",
            "--out",
            dir.toString(),
            "--prior-steps",
            "2",
            "--steps",
            "2"),
        err.toString());
    List<Path> files = written();
    assertEquals(2, files.size());
    Map<String, String> text = PngCodec.readText(Files.readAllBytes(files.get(1)));
    assertEquals("a red circle", text.get("prompt"));
    assertEquals("8", text.get("seed"));
    assertEquals("TEXT_TO_IMAGE", text.get("kind"));
    assertEquals("2", text.get("prior_steps"), "the value used, never \"default\"");
    assertEquals("2", text.get("decoder_steps"));
    assertNotNull(
        text.get("decoder_guidance_scale"), "the pack's default guidance, written as a number");
    Double.parseDouble(text.get("decoder_guidance_scale"));
    assertEquals("7", text.get("super_res_steps"), "the tiny pack's fixed super-resolution steps");
    assertContains(err.toString(StandardCharsets.UTF_8), "Decoder 2/2");
  }

  @Test
  void aPromptTheModelCannotReadInFullIsNotedAndStillMade() {
    Path dir = temp.resolve("long");
    String prompt = "red ".repeat(30) + "blue circle";
    assertEquals(
        0,
        run("generate", prompt, "--out", dir.toString(), "--prior-steps", "1", "--steps", "1"),
        err.toString());
    assertContains(
        err.toString(StandardCharsets.UTF_8),
        "note: The model reads only the first 30 words of this prompt; the last 2 words (“blue"
            + " circle”) are cut off.");
    assertEquals(1, written().size());
  }

  @Test
  void variationsInterpolateAndInpaintRunFromImageFiles() throws Exception {
    Path source = temp.resolve("source.png");
    Path other = temp.resolve("other.png");
    Path dir = temp.resolve("out");
    assertEquals(
        0,
        run(
            "generate",
            "a red circle",
            "--seed",
            "1",
            "--out",
            dir.toString(),
            "--prior-steps",
            "2",
            "--steps",
            "2",
            "--quiet"));
    Files.copy(written().get(0), source);
    out.reset();
    assertEquals(
        0,
        run(
            "generate",
            "a blue square",
            "--seed",
            "2",
            "--out",
            dir.toString(),
            "--prior-steps",
            "2",
            "--steps",
            "2",
            "--quiet"));
    Files.copy(written().get(0), other);
    ModelPack pack = ModelPack.readManifest(Fixtures.requireTinyPack());

    if (pack.hasImageEncoder()) {
      out.reset();
      assertEquals(
          0,
          run(
              "variations",
              source.toString(),
              "--images",
              "2",
              "--steps",
              "2",
              "--out",
              dir.toString()),
          err.toString());
      assertEquals(2, written().size());
      out.reset();
      assertEquals(
          0,
          run(
              "interpolate",
              source.toString(),
              other.toString(),
              "--frames",
              "3",
              "--steps",
              "2",
              "--out",
              dir.toString()),
          err.toString());
      assertEquals(3, written().size());
    }
    Assumptions.assumeTrue(pack.hasInpainting(), "pack has no inpainting stage");
    int size = pack.imageSize();
    byte[] maskRgb = new byte[size * size * 3];
    for (int i = 0; i < size * size; i++) {
      if (i % size >= size / 2) {
        java.util.Arrays.fill(maskRgb, i * 3, i * 3 + 3, (byte) 255); // right half: redo
      }
    }
    Path mask = temp.resolve("mask.png");
    Files.write(mask, PngCodec.encode(new RgbImage(size, size, maskRgb), Map.of()));
    out.reset();
    assertEquals(
        0,
        run(
            "inpaint",
            source.toString(),
            "--mask",
            mask.toString(),
            "a green triangle",
            "--steps",
            "2",
            "--out",
            dir.toString()),
        err.toString());
    RgbImage result =
        ImageDecoder.decode(Files.readAllBytes(written().get(0)), ImageLimits.defaults());
    RgbImage original = ImageDecoder.decode(Files.readAllBytes(source), ImageLimits.defaults());
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size / 2; x++) {
        assertEquals(original.get(x, y, 1), result.get(x, y, 1));
      }
    }
  }

  @Test
  void inpaintRefusesAMaskOfAnotherSizeThanItsImageBeforeLoadingAModel() throws Exception {
    Path source = temp.resolve("source.png");
    Path mask = temp.resolve("mask.png");
    Files.write(source, PngCodec.encode(new RgbImage(64, 64, new byte[64 * 64 * 3]), Map.of()));
    Files.write(mask, PngCodec.encode(new RgbImage(32, 48, new byte[32 * 48 * 3]), Map.of()));
    assertEquals(2, run("inpaint", source.toString(), "--mask", mask.toString(), "a star"));
    assertContains(
        err.toString(StandardCharsets.UTF_8),
        "The mask is 32 × 48 px but the image is 64 × 64 px: use a mask of the image's size");
  }

  @Test
  void checkPackPrintsTheErrorOfEveryExportedGraphAndFailsAboveTheLimit() throws Exception {
    Path pack = GlideSmallPack.copyWithVocabulary(temp);
    assertEquals(0, run("check-pack", pack.toString(), "--atol", "1e-4"), err.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertContains(text, "inpaint_base       max abs error");
    assertContains(text, "inpaint_upsampler  max abs error");
    assertContains(text, "check ok");
    out.reset();
    // the errors are float32 noise, not zero: a limit below them must fail
    assertEquals(1, run("check-pack", pack.toString(), "--atol", "1e-9"));
    assertContains(out.toString(StandardCharsets.UTF_8), "ABOVE 1.0E-9");
    assertContains(out.toString(StandardCharsets.UTF_8), "check FAILED");
  }

  @Test
  void anInpaintingOnlyPackRefusesTextToImageByName() throws Exception {
    Path pack = GlideSmallPack.copyWithVocabulary(temp);
    assertEquals(
        1, run("generate", "a red cube", "--pack", pack.toString(), "--out", temp.toString()));
    assertContains(err.toString(StandardCharsets.UTF_8), "has no unCLIP stages");
  }

  @Test
  void packInfoListsStagesAndChecksSignatures() {
    assertEquals(0, run("pack-info"), err.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertContains(text, "decoder");
    assertContains(text, "signatures ok");
  }

  @Test
  void badUsageExitsWithTwoAndExplains() {
    assertEquals(
        2, new Cli(new PrintStream(out), new PrintStream(err), Map.of()).execute("generate"));
    assertContains(err.toString(), "expected a prompt");
    assertEquals(
        2,
        new Cli(new PrintStream(out), new PrintStream(err), Map.of())
            .execute("generate", "x", "--images", "two"));
    assertContains(err.toString(), "--images expects a whole number");
  }

  @Test
  void aSeedThatWouldWrapIsRefusedWithTheStudiosMessage() {
    int code =
        new Cli(new PrintStream(out), new PrintStream(err), Map.of())
            .execute("generate", "x", "--seed", "9223372036854775805");
    assertEquals(2, code);
    assertContains(err.toString(), "--seed: " + RequestRules.SEED_OUT_OF_RANGE);
  }

  /** Image 8 would get 2^52 + 1, a seed the studio's form refuses to make again. */
  @Test
  void aFirstSeedWhoseLastImageLeavesTheRangeIsRefusedWithTheLargestItMayBe() {
    int code =
        new Cli(new PrintStream(out), new PrintStream(err), Map.of())
            .execute("generate", "x", "--images", "8", "--seed", "4503599627370490");
    assertEquals(2, code);
    assertContains(
        err.toString(),
        "--seed: With 8 images use a first seed from 0 to 4503599627370489 (image i gets seed + i)");
  }

  @Test
  void missingPackExitsWithOne() {
    int code =
        new Cli(new PrintStream(out), new PrintStream(err), Map.of())
            .execute("pack-info", temp.resolve("nope").toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("not a model pack"));
  }

  @Test
  void helpIsACommandAndAMistypedCommandIsRefusedWithoutStartingAnything() {
    for (String help : new String[] {"--help", "-h", "help"}) {
      out.reset();
      assertEquals(0, run(help), help);
      assertContains(out.toString(StandardCharsets.UTF_8), "start the studio (no arguments)");
    }
    err.reset();
    assertEquals(2, run("gnerate", "a red circle"));
    assertContains(err.toString(StandardCharsets.UTF_8), "unknown command gnerate");
  }
}
