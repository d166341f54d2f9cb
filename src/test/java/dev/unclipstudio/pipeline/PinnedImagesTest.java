package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.testing.TinyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins the pixels that a few (request, seed) pairs give on the tiny pack, for every stage that
 * draws noise (prior, decoder, super-resolution, inpainting), so that any change to how seeds
 * become noise fails here loudly: a stored seed must keep making its image. The noise streams are
 * those of the first PNGs (written before stages had fixed noise stream ids, when streams were
 * keyed by the stage names' hash codes); the PNGs themselves were rewritten once, for the v3 tiny
 * pack's new weights, with the engine's noise code unchanged in that commit.
 *
 * <p>To pin a deliberate change (which breaks every stored seed: say so in the release notes), run
 * with {@code -Dpinned.record=true} and commit the PNGs under src/test/resources/pinned.
 */
class PinnedImagesTest {

  private static final Path DIR = Path.of("src/test/resources/pinned");
  private static final boolean RECORD = Boolean.getBoolean("pinned.record");

  @RegisterExtension static final TinyEngine TINY = new TinyEngine();

  @Test
  void textToImageKeepsItsPixelsPerSeed() throws Exception {
    List<GeneratedImage> images =
        TINY.engine()
            .textToImage(
                new TextToImageRequest(
                    "a red circle in the top left corner",
                    List.of(7L, 8L),
                    StageOverrides.DEFAULTS,
                    StageOverrides.DEFAULTS),
                StepListener.NONE,
                CancellationToken.NEVER);
    check("text-7.png", images.get(0).image());
    check("text-8.png", images.get(1).image());
  }

  @Test
  void variationsKeepTheirPixelsPerSeed() throws Exception {
    RgbImage source = pinned("text-7.png");
    List<GeneratedImage> images =
        TINY.engine()
            .variations(
                new VariationRequest(source, null, List.of(11L), StageOverrides.DEFAULTS),
                StepListener.NONE,
                CancellationToken.NEVER);
    check("variation-11.png", images.get(0).image());
  }

  @Test
  void inpaintingKeepsItsPixelsPerSeed() throws Exception {
    RgbImage source = pinned("text-7.png");
    int size = TINY.engine().pack().imageSize();
    byte[] mask = new byte[size * size * 3];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (byte) ((i / 3) % size < size / 2 ? 255 : 0); // repaint the left half
    }
    List<GeneratedImage> images =
        TINY.engine()
            .inpaint(
                new InpaintRequest(
                    source,
                    new RgbImage(size, size, mask),
                    "a blue square",
                    List.of(5L),
                    StageOverrides.DEFAULTS),
                StepListener.NONE,
                CancellationToken.NEVER);
    check("inpaint-5.png", images.get(0).image());
  }

  private static RgbImage pinned(String name) throws Exception {
    return ImageDecoder.decode(Files.readAllBytes(DIR.resolve(name)), ImageLimits.defaults());
  }

  private static void check(String name, RgbImage actual) throws Exception {
    Path file = DIR.resolve(name);
    if (RECORD) {
      Files.write(file, PngCodec.encode(actual, Map.of()));
      return;
    }
    assertTrue(Files.isRegularFile(file), "no pinned image " + file);
    RgbImage expected = pinned(name);
    assertEquals(expected.width(), actual.width(), name + ": width");
    assertEquals(expected.height(), actual.height(), name + ": height");
    byte[] e = expected.rgb();
    byte[] a = actual.rgb();
    int differing = 0;
    int largest = 0;
    for (int i = 0; i < e.length; i++) {
      int d = Math.abs((e[i] & 0xff) - (a[i] & 0xff));
      if (d != 0) {
        differing++;
        largest = Math.max(largest, d);
      }
    }
    assertEquals(
        0,
        differing,
        name
            + ": "
            + differing
            + " of "
            + e.length
            + " bytes differ from the pinned image"
            + " (largest difference "
            + largest
            + " levels): did the noise a seed gives change?");
  }
}
