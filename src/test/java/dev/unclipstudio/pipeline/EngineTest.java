package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.unclip.UnclipPipeline;
import dev.unclipstudio.testing.Fixtures;
import dev.unclipstudio.testing.TinyEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The facade on the tiny pack with few steps: shapes, seeds, progress, cancellation, variations,
 * inpainting.
 */
class EngineTest {

  private static final StageOverrides THREE_STEPS = new StageOverrides(3, null);

  @RegisterExtension static final TinyEngine TINY = new TinyEngine();

  private static TextToImageRequest request(List<Long> seeds) {
    return new TextToImageRequest("a red circle", seeds, new StageOverrides(3, null), THREE_STEPS);
  }

  @Test
  void textToImageGivesOneImageOfThePackSizePerSeed() {
    List<GeneratedImage> images = TINY.engine().textToImage(request(List.of(1L, 2L)), null, null);
    assertEquals(2, images.size());
    int size = TINY.engine().pack().imageSize();
    for (GeneratedImage g : images) {
      assertEquals(size, g.image().width());
      assertEquals(size, g.image().height());
      assertEquals(TINY.engine().pack().clip().embedDim(), g.imageEmbedding().length);
    }
    assertEquals(List.of(1L, 2L), images.stream().map(GeneratedImage::seed).toList());
    assertNotEquals(images.get(0).image(), images.get(1).image(), "different seeds should differ");
  }

  @Test
  void sameSeedGivesTheSameImage() {
    RgbImage first = TINY.engine().textToImage(request(List.of(7L)), null, null).get(0).image();
    RgbImage second = TINY.engine().textToImage(request(List.of(7L)), null, null).get(0).image();
    assertEquals(first, second);
  }

  @Test
  void anImageDependsOnlyOnItsSeedNotOnItsBatch() {
    RgbImage alone = TINY.engine().textToImage(request(List.of(8L)), null, null).get(0).image();
    RgbImage inBatch =
        TINY.engine().textToImage(request(List.of(9L, 8L)), null, null).get(1).image();
    // exact: ONNX Runtime's CPU kernels compute a row the same whatever the batch (docs/engine.md)
    assertEquals(alone, inBatch, "seed 8 alone vs in a batch");
  }

  @Test
  void embeddingsOfTheWrongLengthAreRejectedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TINY.engine()
                    .variations(
                        new VariationRequest(
                            null, new float[3], List.of(1L), new StageOverrides(2, null)),
                        null,
                        null));
    dev.unclipstudio.testing.Fixtures.assertContains(
        e.getMessage(), "image embedding has 3 values");
  }

  @Test
  void cudaRequestFallsBackToCpuWhenUnavailable() throws Exception {
    Assumptions.assumeFalse(
        System.getenv().containsKey("CUDA_VISIBLE_DEVICES"), "a GPU may be present");
    try (var session =
        dev.unclipstudio.pipeline.onnx.StageSession.open(
            TINY.engine().pack().stage(ModelPack.TEXT_ENCODER), EngineOptions.cuda(0))) {
      assertEquals("cpu", session.device());
    }
  }

  @Test
  void everyStepIsReportedWithALazyPreview() {
    List<StepEvent> events = new ArrayList<>();
    TINY.engine().textToImage(request(List.of(3L)), events::add, CancellationToken.NEVER);
    int superRes = TINY.engine().pack().superResSteps();
    assertEquals(3 + 3 + superRes, events.size());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).overallStep());
      assertEquals(events.size(), events.get(i).overallSteps());
    }
    assertEquals(Stage.PRIOR, events.get(0).stage());
    assertEquals(Stage.DECODER, events.get(3).stage());
    StepEvent decoderStep = events.get(3);
    int side = TINY.engine().pack().stage(ModelPack.DECODER).imageSize();
    assertEquals(side, decoderStep.preview().get().width());
  }

  @Test
  void cancellationStopsWithinOneStep() {
    AtomicInteger seen = new AtomicInteger();
    CancellationToken afterFour = () -> seen.get() >= 4;
    assertThrows(
        CancelledException.class,
        () ->
            TINY.engine()
                .textToImage(request(List.of(1L)), e -> seen.incrementAndGet(), afterFour));
    assertEquals(4, seen.get(), "no step may run after cancellation is seen");
  }

  @Test
  void variationsAndInterpolationStartFromTheSameNoisePerSeed() {
    Assumptions.assumeTrue(TINY.engine().pack().hasImageEncoder(), "pack has no image encoder");
    RgbImage source = TINY.engine().textToImage(request(List.of(11L)), null, null).get(0).image();
    float[] a = TINY.engine().imageEmbedding(source);
    assertEquals(TINY.engine().pack().clip().embedDim(), a.length);
    float[] b =
        TINY.engine().textToImage(request(List.of(12L)), null, null).get(0).imageEmbedding();

    List<GeneratedImage> variations =
        TINY.engine()
            .variations(new VariationRequest(null, a, List.of(5L, 6L), THREE_STEPS), null, null);
    assertEquals(2, variations.size());
    List<GeneratedImage> frames =
        TINY.engine().interpolate(new InterpolationRequest(a, b, 3, 5L, THREE_STEPS), null, null);
    assertEquals(3, frames.size());
    // θ = 0 is embedding A itself, decoded from seed 5's noise: the same image as the variation
    // with seed 5
    assertEquals(variations.get(0).image(), frames.get(0).image());
    assertArrayEquals(a, frames.get(0).imageEmbedding());
    assertArrayEquals(b, frames.get(2).imageEmbedding(), 1e-5f);
  }

  @Test
  void textDiffStartsAtTheImageAndMovesItsEmbedding() {
    float[] z =
        TINY.engine().textToImage(request(List.of(13L)), null, null).get(0).imageEmbedding();
    Progress.Factory silent = Progress.Factory.of(null, null);
    PipelineResult diff =
        TINY.engine()
            .unclipPipeline()
            .textDiff(
                new UnclipPipeline.TextDiff(z, "a red circle", "a blue circle", 0.5),
                THREE_STEPS,
                new Batch(3, new SeededNoise(List.of(4L, 4L, 4L)), silent));
    assertEquals(3, diff.images().rows());
    assertArrayEquals(z, diff.imageEmbeddings().rows(0, 1).data(), 1e-6f);
    PipelineResult same =
        TINY.engine()
            .unclipPipeline()
            .variations(z, THREE_STEPS, new Batch(1, new SeededNoise(List.of(4L)), silent));
    assertEquals(same.rgbImages().get(0), diff.rgbImages().get(0));
    float[] last = diff.imageEmbeddings().rows(2, 3).data();
    assertTrue(!java.util.Arrays.equals(z, last), "θ = maxTheta must move the embedding");
  }

  @Test
  void inpaintingKeepsTheKnownRegionBitIdentical() {
    Assumptions.assumeTrue(TINY.engine().pack().hasInpainting(), "pack has no inpainting stage");
    int size = TINY.engine().pack().imageSize();
    RgbImage source = TINY.engine().textToImage(request(List.of(21L)), null, null).get(0).image();
    boolean[] keep = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        keep[y * size + x] = x < size / 2 || y < size / 4;
      }
    }
    List<GeneratedImage> out =
        TINY.engine()
            .inpaint(
                new InpaintRequest(
                    source,
                    Fixtures.paintedMask(keep, size),
                    "a blue square",
                    List.of(1L, 2L),
                    THREE_STEPS),
                null,
                null);
    assertEquals(2, out.size());
    for (GeneratedImage g : out) {
      assertNotNull(g.image());
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          if (!keep[y * size + x]) {
            continue;
          }
          for (int c = 0; c < 3; c++) {
            assertEquals(
                source.get(x, y, c),
                g.image().get(x, y, c),
                "kept pixel " + x + "," + y + " channel " + c);
          }
        }
      }
    }
    assertTrue(!out.get(0).image().equals(source), "the masked region should be regenerated");
  }
}
