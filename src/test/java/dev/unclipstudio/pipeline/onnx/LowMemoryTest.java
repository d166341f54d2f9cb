package dev.unclipstudio.pipeline.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.testing.Fixtures;
import dev.unclipstudio.testing.TinyEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Low-memory mode ({@link EngineOptions#lowMemory}): a stage's model is in memory only while a call
 * or loop of it runs, and the images are the same as with every model loaded.
 */
class LowMemoryTest {

  @RegisterExtension static final TinyEngine TINY = new TinyEngine();

  @Test
  void aStageIsLoadedOnlyWhileItRuns() throws Exception {
    StageSpec spec =
        ModelPack.readManifest(Fixtures.requireTinyPack()).stage(ModelPack.SUPER_RES_FIRST);
    int side = spec.imageSize();
    FloatTensor lowRes = FloatTensor.zeros(1, 3, side, side);
    try (StageSession session =
        StageSession.open(spec, EngineOptions.cpu().withIntraOpThreads(2).withLowMemory(true))) {
      assertFalse(session.loaded(), "nothing loaded when opened");
      try (StageSteps steps =
          session.steps(
              Map.of(
                  "sample", new StageInput.Floats(lowRes),
                  "timestep", StageInput.Ints.timestep(0, 1),
                  "low_res", new StageInput.Floats(lowRes)),
              "sample",
              "timestep")) {
        assertTrue(session.loaded(), "loaded while a loop runs");
        steps.step(new double[3 * side * side], 1, 500);
      }
      assertFalse(session.loaded(), "freed when the last loop ends");
      session.run(
          Map.of(
              "sample", new StageInput.Floats(lowRes),
              "timestep", StageInput.Ints.timestep(0, 1),
              "low_res", new StageInput.Floats(lowRes)));
      assertFalse(session.loaded(), "freed after a single call");
    }
  }

  @Test
  void imagesAreTheSameAsWithEveryModelLoaded() throws Exception {
    TextToImageRequest request =
        new TextToImageRequest(
            "a small red circle in the top left corner",
            List.of(7L),
            StageOverrides.DEFAULTS,
            StageOverrides.DEFAULTS);
    List<GeneratedImage> expected =
        TINY.engine().textToImage(request, StepListener.NONE, CancellationToken.NEVER);
    try (Engine lowMemory =
        Engine.open(
            ModelPack.readManifest(Fixtures.requireTinyPack()),
            EngineOptions.cpu().withIntraOpThreads(2).withLowMemory(true))) {
      List<GeneratedImage> actual =
          lowMemory.textToImage(request, StepListener.NONE, CancellationToken.NEVER);
      assertEquals(1, actual.size());
      assertArrayEquals(expected.get(0).image().rgb(), actual.get(0).image().rgb());
    }
  }
}
