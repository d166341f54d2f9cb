package dev.unclipstudio.pipeline;

import static dev.unclipstudio.testing.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.glide.KeepMask;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.schedule.TimestepRespacing;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.testing.FixtureNoise;
import dev.unclipstudio.testing.FixtureTensor;
import dev.unclipstudio.testing.Fixtures;
import dev.unclipstudio.testing.TinyEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole pipelines against the PyTorch reference (fixtures/tiny/pipeline_*.json) with its initial
 * latents and per-step noise injected: the final float image before quantisation within 1e-3.
 */
class PipelineParityTest {

  private static final double IMAGE_ATOL = 1e-3;
  private static final double EMBEDDING_ATOL = 1e-3;
  private static final Progress.Factory SILENT = Progress.Factory.of(null, null);

  @RegisterExtension static final TinyEngine TINY = new TinyEngine();

  private static JsonNode fixture(String kind) {
    return Fixtures.readJson(Fixtures.requireTinyFixture("pipeline_" + kind + ".json"));
  }

  private static FloatTensor tensor(JsonNode fixture, String intermediate) {
    return FixtureTensor.of(fixture.get("intermediates").get(intermediate)).toFloatTensor();
  }

  private static void assertTimesteps(FixtureNoise noise, Stage stage, String respacing) {
    assertArrayEquals(
        noise.timesteps(stage),
        TimestepRespacing.samplingOrder(respacing, 1000),
        stage.key() + " timesteps");
  }

  @Test
  void textToImageMatchesTheReferencePipeline() {
    JsonNode f = fixture("text_to_image");
    JsonNode r = f.get("request");
    FixtureNoise noise = new FixtureNoise(f.get("stages"));
    assertTimesteps(noise, Stage.PRIOR, r.get("prior_steps").asText());
    assertTimesteps(noise, Stage.DECODER, r.get("decoder_steps").asText());
    PipelineResult result =
        TINY.engine()
            .unclipPipeline()
            .textToImage(
                r.get("prompt").asText(),
                new StageOverrides(
                    r.get("prior_steps").asInt(), r.get("prior_guidance").asDouble()),
                new StageOverrides(
                    r.get("decoder_steps").asInt(), r.get("decoder_guidance").asDouble()),
                new Batch(r.get("batch").asInt(), noise, SILENT));
    assertClose(
        tensor(f, "image_embeddings").data(),
        result.imageEmbeddings().data(),
        EMBEDDING_ATOL,
        0,
        "image embeddings after the prior");
    assertIntermediateAndImage(f, result, "decoder_output", "decoder output");
  }

  @Test
  void variationMatchesTheReferencePipeline() {
    JsonNode f = fixture("variation");
    JsonNode r = f.get("request");
    RgbImage source =
        FixtureTensor.of(f.get("intermediates").get(r.get("source").asText())).rgbImage();
    float[] embedding = TINY.engine().imageEmbedding(source);
    assertClose(
        tensor(f, "image_embeddings").data(), embedding, 1e-4, 0, "image encoder embedding");
    PipelineResult result =
        TINY.engine()
            .unclipPipeline()
            .variations(
                embedding,
                new StageOverrides(
                    r.get("decoder_steps").asInt(), r.get("decoder_guidance").asDouble()),
                new Batch(r.get("batch").asInt(), new FixtureNoise(f.get("stages")), SILENT));
    assertIntermediateAndImage(f, result, "decoder_output", "decoder output");
  }

  @Test
  void inpaintingMatchesTheReferencePipelineAndKeepsTheSource() {
    JsonNode f = fixture("inpaint");
    JsonNode r = f.get("request");
    RgbImage source =
        FixtureTensor.of(f.get("intermediates").get(r.get("source").asText())).rgbImage();
    float[] mask64 = tensor(f, "keep_mask_64").data();
    boolean[] keep = new boolean[mask64.length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = mask64[i] > 0.5f;
    }
    PipelineResult result =
        TINY.engine()
            .inpaintPipeline()
            .inpaint(
                source,
                new KeepMask(keep, source.width()),
                r.get("prompt").asText(),
                new StageOverrides(
                    r.get("inpaint_steps").asInt(), r.get("inpaint_guidance").asDouble()),
                new Batch(r.get("batch").asInt(), new FixtureNoise(f.get("stages")), SILENT));
    assertIntermediateAndImage(f, result, "base_output", "base output");
    RgbImage out = result.rgbImages().get(0);
    int size = source.width();
    for (int p = 0; p < keep.length; p++) {
      if (!keep[p]) {
        continue;
      }
      for (int c = 0; c < 3; c++) {
        assertEquals(
            source.get(p % size, p / size, c), out.get(p % size, p / size, c), "kept pixel " + p);
      }
    }
  }

  /** One named intermediate and the final image (before quantisation) against the fixture. */
  private static void assertIntermediateAndImage(
      JsonNode f, PipelineResult result, String intermediate, String what) {
    assertClose(
        tensor(f, intermediate).data(),
        result.intermediates().get(intermediate).data(),
        IMAGE_ATOL,
        0,
        what);
    assertClose(
        FixtureTensor.of(f.get("image")).floats(),
        result.images().data(),
        IMAGE_ATOL,
        0,
        "final image");
  }
}
