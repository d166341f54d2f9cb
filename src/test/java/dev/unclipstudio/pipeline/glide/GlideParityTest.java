package dev.unclipstudio.pipeline.glide;

import static dev.unclipstudio.testing.Fixtures.assertClose;
import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.schedule.TimestepRespacing;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import dev.unclipstudio.testing.ExportedPacks;
import dev.unclipstudio.testing.FixtureNoise;
import dev.unclipstudio.testing.FixtureTensor;
import dev.unclipstudio.testing.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GLIDE slice of "real checkpoints": the small random-init pack that {@code
 * tools/export/glide_export.py --random-init --small} exported from the original glide-text2im
 * modules (src/test/packs/glide-small), against PyTorch. Its graphs against the modules' outputs
 * the export recorded (the export check), and the engine's whole inpainting (base with guidance,
 * then the inpainting upsampler) against the ORIGINAL {@code p_sample_loop} as the inpaint notebook
 * drives it, with the same injected noise ({@code tools/export/glide_fixtures.py}): within 1e-4 in
 * float32.
 *
 * <p>The pack is used through {@link GlideSmallPack} (the GPT-2 BPE files come from ../shared).
 */
class GlideParityTest {

  private static final double ATOL = 1e-4;
  private static final Progress.Factory SILENT = Progress.Factory.of(null, null);

  @TempDir static Path temp;
  private static ModelPack pack;
  private static Engine engine;

  @BeforeAll
  static void openThePack() throws Exception {
    Path dir = GlideSmallPack.copyWithVocabulary(temp);
    pack = ModelPack.open(dir);
    engine = Engine.open(pack, EngineOptions.cpu().withIntraOpThreads(2));
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void exportedGraphsComputeWhatTheOriginalModulesCompute() throws Exception {
    ExportedPacks.assertGraphsMatchTheirModules(
        pack, List.of(ModelPack.INPAINT_BASE, ModelPack.INPAINT_UPSAMPLER), ATOL);
  }

  @Test
  void packCarriesTheOriginalDefaults() {
    assertFalse(pack.hasUnclip());
    assertTrue(pack.hasInpainting());
    assertEquals(100, pack.inpaintSteps());
    assertEquals(5.0, pack.inpaintGuidanceScale());
    assertEquals(27, pack.stage(ModelPack.INPAINT_UPSAMPLER).defaultSteps()); // "fast27"
  }

  @Test
  void inpaintingMatchesTheOriginalSampler() {
    JsonNode f =
        Fixtures.readJson(Fixtures.requireFile(GlideSmallPack.FIXTURE, "GLIDE parity fixture"));
    JsonNode r = f.get("request");
    FixtureNoise noise = new FixtureNoise(f.get("stages"));
    assertArrayEquals(
        noise.timesteps(Stage.INPAINT_BASE),
        TimestepRespacing.samplingOrder(r.get("inpaint_steps").asText(), 1000),
        "base timesteps");
    assertArrayEquals(
        noise.timesteps(Stage.INPAINT_UPSAMPLER),
        TimestepRespacing.samplingOrder(r.get("upsampler_steps").asText(), 1000),
        "upsampler timesteps");
    String prompt = r.get("prompt").asText();
    TokenizedBatch tokens = pack.tokenizerFor(ModelPack.INPAINT_BASE).tokenize(List.of(prompt, ""));
    assertArrayEquals(
        FixtureTensor.of(f.get("intermediates").get("tokens")).longs(),
        Arrays.stream(tokens.ids()).asLongStream().toArray(),
        "[prompt ; empty] tokens");

    RgbImage source = FixtureTensor.of(f.get("intermediates").get("source_image")).rgbImage();
    float[] mask = tensor(f, "keep_mask_64");
    boolean[] keep = new boolean[mask.length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = mask[i] > 0.5f;
    }
    PipelineResult result =
        engine
            .inpaintPipeline()
            .inpaint(
                source,
                new KeepMask(keep, source.width()),
                prompt,
                new StageOverrides(
                    r.get("inpaint_steps").asInt(), r.get("inpaint_guidance").asDouble()),
                new Batch(r.get("batch").asInt(), noise, SILENT));
    assertClose(
        tensor(f, "base_output"),
        result.intermediates().get("base_output").data(),
        ATOL,
        0,
        "base output");
    assertClose(
        FixtureTensor.of(f.get("image")).floats(), result.images().data(), ATOL, 0, "final image");
  }

  @Test
  void anInpaintingOnlyPackRefusesTheUnclipRequestsByName() {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                engine.textToImage(
                    new TextToImageRequest(
                        "a red cube",
                        List.of(1L),
                        StageOverrides.DEFAULTS,
                        StageOverrides.DEFAULTS),
                    StepListener.NONE,
                    CancellationToken.NEVER));
    assertContains(e.getMessage(), "has no unCLIP stages");
    assertContains(e.getMessage(), "inpainting only");
  }

  private static float[] tensor(JsonNode f, String name) {
    return FixtureTensor.of(f.get("intermediates").get(name)).floats();
  }
}
