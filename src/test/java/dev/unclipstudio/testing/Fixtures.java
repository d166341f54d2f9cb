package dev.unclipstudio.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where test data lives, plus the one numeric comparison helper every test uses. */
public final class Fixtures {

  /** {@code ../shared} beside the checkout: real vocabularies, reference fixtures. */
  public static final Path SHARED = Path.of("../shared");

  /** The tiny model pack (repo-relative). */
  public static final Path TINY_PACK = Path.of("models/tiny");

  /** PyTorch fixtures of the tiny pack (repo-relative). */
  public static final Path TINY_FIXTURES = Path.of("src/test/resources/fixtures/tiny");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** Skips the calling test with a clear message when {@code path} is absent. */
  public static Path requireFile(Path path, String what) {
    assumeTrue(
        Files.exists(path), () -> what + " not found at " + path.toAbsolutePath() + "; skipping");
    return path;
  }

  /**
   * The tiny pack, or the pack named by $UNCLIP_TEST_PACK (for trying the engine on another pack).
   */
  public static Path requireTinyPack() {
    String override = System.getenv("UNCLIP_TEST_PACK");
    Path dir = override != null && !override.isBlank() ? Path.of(override) : TINY_PACK;
    return requireFile(dir.resolve("pack.json"), "model pack (" + dir + "/pack.json)").getParent();
  }

  /**
   * The engine on the test pack, CPU, two intra-op threads (this machine's cores), as the engine
   * tests run it.
   */
  public static Engine openTinyEngine() throws ModelPackException {
    return Engine.open(
        ModelPack.readManifest(requireTinyPack()), EngineOptions.cpu().withIntraOpThreads(2));
  }

  /** A fixture of the tiny pack, or from $UNCLIP_TEST_FIXTURES when testing another pack. */
  public static Path requireTinyFixture(String name) {
    String override = System.getenv("UNCLIP_TEST_FIXTURES");
    Path dir = override != null && !override.isBlank() ? Path.of(override) : TINY_FIXTURES;
    return requireFile(dir.resolve(name), "tiny-pack fixture " + name);
  }

  /** A JSON file from the test class path (src/test/resources). */
  public static JsonNode resourceJson(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode readJson(Path path) {
    try {
      return JSON.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  public static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /**
   * Fails unless |expected − actual| ≤ atol + rtol·|expected| element-wise; reports the worst
   * element.
   */
  public static void assertClose(
      double[] expected, double[] actual, double atol, double rtol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      double excess = diff - (atol + rtol * Math.abs(expected[i]));
      if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Double.isNaN(diff))) {
        worst = i;
        worstExcess = excess;
      }
    }
    if (worst >= 0) {
      fail(
          String.format(
              "%s: element %d expected %.9g but was %.9g (|diff| %.3g > atol %.1g + rtol %.1g·|e|)",
              what,
              worst,
              expected[worst],
              actual[worst],
              Math.abs(expected[worst] - actual[worst]),
              atol,
              rtol));
    }
  }

  public static void assertClose(
      float[] expected, float[] actual, double atol, double rtol, String what) {
    assertClose(toDoubles(expected), toDoubles(actual), atol, rtol, what);
  }

  /** The mask a person would paint for a keep mask: black where kept, white where repainted. */
  public static RgbImage paintedMask(boolean[] keep, int size) {
    byte[] rgb = new byte[size * size * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (keep[i / 3] ? 0 : 255);
    }
    return new RgbImage(size, size, rgb);
  }

  public static void assertContains(String actual, String fragment) {
    if (actual == null || !actual.contains(fragment)) {
      fail("expected a message containing \"" + fragment + "\" but was: " + actual);
    }
  }

  public static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
