package dev.unclipstudio.pipeline.unclip;

import static dev.unclipstudio.testing.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.image.ClipImagePreprocessor;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.schedule.TimestepRespacing;
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
 * Karlo's unCLIP, end to end: the small random-init pack that {@code tools/export/karlo_export.py
 * --random-init --small} exported from the original kakaobrain/karlo modules
 * (src/test/packs/karlo-small) against Karlo's own samplers ({@code T2ISampler}, {@code
 * I2ISampler}, run by {@code tools/export/karlo_fixtures.py} with injected noise): text→image,
 * variation and the two end frames of an interpolation, each image within 1e-4 in float32, with the
 * prior's embeddings, the CLIP preprocessing and the decoder output checked on the way.
 */
class KarloParityTest {

  private static final double ATOL = 1e-4;
  private static final Path PACK = Path.of("src/test/packs/karlo-small");
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/karlo-small");
  private static final Progress.Factory SILENT = Progress.Factory.of(null, null);

  @TempDir static Path temp;
  private static ModelPack pack;
  private static Engine engine;

  @BeforeAll
  static void openThePack() throws Exception {
    Path dir =
        ExportedPacks.copyWithVocabulary(
            PACK,
            temp,
            Fixtures.SHARED.resolve("data/clip"),
            List.of("bpe_simple_vocab_16e6.txt.gz"),
            "small Karlo pack");
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
        pack,
        List.of(
            ModelPack.TEXT_ENCODER,
            ModelPack.IMAGE_ENCODER,
            ModelPack.PRIOR,
            ModelPack.DECODER,
            ModelPack.SUPER_RES_FIRST,
            ModelPack.SUPER_RES_LAST),
        ATOL);
  }

  @Test
  void packCarriesKarlosSamplingDefaults() {
    assertTrue(pack.hasUnclip());
    assertEquals(25, pack.priorSteps());
    assertEquals(4.0, pack.priorGuidanceScale());
    assertEquals(50, pack.decoderSteps());
    assertEquals(8.0, pack.decoderGuidanceScale());
    assertEquals(7, pack.superResSteps());
    assertEquals(224, pack.clip().imageSize());
    assertEquals(ClipImagePreprocessor.Resample.PIL, pack.clip().resample());
    assertEquals(ClipImagePreprocessor.Crop.NONE, pack.clip().crop());
  }

  @Test
  void textToImageMatchesKarlosT2ISampler() {
    JsonNode f = fixture("text_to_image");
    JsonNode r = f.get("request");
    int batch = r.get("batch").asInt();
    String prompt = r.get("prompt").asText();
    // Karlo's rows: [prompt × B ; "" × B]
    List<String> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 2 * batch; i++) {
      rows.add(i < batch ? prompt : "");
    }
    assertArrayEquals(
        FixtureTensor.of(f.get("intermediates").get("input_ids")).longs(),
        Arrays.stream(pack.tokenizerFor(ModelPack.TEXT_ENCODER).tokenize(rows).ids())
            .asLongStream()
            .toArray(),
        "CLIP tokens");
    FixtureNoise noise = new FixtureNoise(f.get("stages"));
    assertTimesteps(noise, Stage.PRIOR, r.get("prior_steps").asText());
    assertTimesteps(noise, Stage.DECODER, r.get("decoder_steps").asText());
    assertTimesteps(noise, Stage.SUPER_RES, r.get("super_res_steps").asText());
    PipelineResult result =
        engine
            .unclipPipeline()
            .textToImage(
                prompt,
                new StageOverrides(
                    r.get("prior_steps").asInt(), r.get("prior_guidance").asDouble()),
                new StageOverrides(
                    r.get("decoder_steps").asInt(), r.get("decoder_guidance").asDouble()),
                new Batch(batch, noise, SILENT));
    assertClose(
        tensor(f, "image_embeddings"),
        result.imageEmbeddings().data(),
        ATOL,
        0,
        "image embeddings from the prior");
    assertDecoderOutputAndImage(f, result);
  }

  @Test
  void variationMatchesKarlosI2ISampler() {
    JsonNode f = fixture("variation");
    JsonNode r = f.get("request");
    RgbImage source = sourceImage(f, "source_image");
    assertClose(
        tensor(f, "pixel_values"),
        pack.clip().preprocessor().preprocess(source).data(),
        1e-6,
        0,
        "CLIP pixels: PIL's 8-bit resize of 256 px to 224 px, no crop");
    float[] embedding = engine.imageEmbedding(source);
    assertClose(tensor(f, "image_embeddings"), embedding, ATOL, 0, "CLIP image embedding");
    PipelineResult result =
        engine
            .unclipPipeline()
            .variations(
                embedding,
                new StageOverrides(
                    r.get("decoder_steps").asInt(), r.get("decoder_guidance").asDouble()),
                new Batch(r.get("batch").asInt(), new FixtureNoise(f.get("stages")), SILENT));
    assertDecoderOutputAndImage(f, result);
  }

  @Test
  void interpolationEndFramesMatchKarlosI2ISamplerOnEachImage() {
    JsonNode f = fixture("interpolation");
    JsonNode r = f.get("request");
    float[] a = engine.imageEmbedding(sourceImage(f, "source_image"));
    float[] b = engine.imageEmbedding(sourceImage(f, "source_image_b")); // 160 px, upsampled
    float[] both = new float[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertClose(tensor(f, "image_embeddings"), both, ATOL, 0, "CLIP image embeddings");
    PipelineResult result =
        engine
            .unclipPipeline()
            .interpolate(
                a,
                b,
                new StageOverrides(
                    r.get("decoder_steps").asInt(), r.get("decoder_guidance").asDouble()),
                new Batch(r.get("frames").asInt(), new FixtureNoise(f.get("stages")), SILENT));
    assertDecoderOutputAndImage(f, result);
  }

  private static void assertDecoderOutputAndImage(JsonNode f, PipelineResult result) {
    assertClose(
        tensor(f, "decoder_output"),
        result.intermediates().get("decoder_output").data(),
        ATOL,
        0,
        "decoder output");
    assertClose(
        FixtureTensor.of(f.get("image")).floats(),
        result.images().data(),
        ATOL,
        0,
        "final image after super-res");
  }

  private static void assertTimesteps(FixtureNoise noise, Stage stage, String respacing) {
    assertArrayEquals(
        noise.timesteps(stage),
        TimestepRespacing.samplingOrder(respacing, 1000),
        stage.key() + " timesteps");
  }

  private static JsonNode fixture(String kind) {
    return Fixtures.readJson(
        Fixtures.requireFile(
            FIXTURES.resolve("pipeline_" + kind + ".json"), "Karlo parity fixture " + kind));
  }

  private static RgbImage sourceImage(JsonNode f, String name) {
    return FixtureTensor.of(f.get("intermediates").get(name)).rgbImage();
  }

  private static float[] tensor(JsonNode f, String name) {
    return FixtureTensor.of(f.get("intermediates").get(name)).floats();
  }
}
