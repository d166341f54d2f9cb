package dev.unclipstudio.pipeline.pack;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny pack is consistent; broken copies of it fail fast with messages naming file, expected
 * and actual.
 */
class ModelPackTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void tinyPackManifestFilesAndSignaturesAgree() throws Exception {
    Path dir = Fixtures.requireTinyPack();
    ModelPack pack = ModelPack.open(dir);
    assertFalse(pack.name().isBlank());
    assertTrue(pack.imageSize() > 0);
    for (String stage : ModelPack.UNCLIP_STAGES) {
      assertTrue(pack.hasStage(stage), "the pack needs stage " + stage);
    }
    assertEquals(pack.clip().embedDim(), pack.sideVector(ModelPack.NULL_IMAGE_EMBEDDING).length);
    assertTrue(pack.decoderSteps() > 0);
    assertTrue(pack.maxPromptTokens() > 2);
  }

  @Test
  void anUnknownPrecisionIsNamed() throws Exception {
    Path copy = copyTinyPack();
    assertEquals(ModelPack.Precision.FLOAT32, ModelPack.readManifest(copy).precision());
    ObjectNode root = manifest(copy);
    root.put("precision", "bfloat16");
    write(copy, root);
    ModelPackException e =
        assertThrows(ModelPackException.class, () -> ModelPack.readManifest(copy));
    assertContains(e.getMessage(), "precision \"bfloat16\" is not float32 or float16");
  }

  @Test
  void missingOnnxFileIsNamed() throws Exception {
    Path copy = copyTinyPack();
    ModelPack pack = ModelPack.readManifest(copy);
    Path decoder = pack.stage(ModelPack.DECODER).file();
    Files.delete(decoder);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(copy));
    assertContains(e.getMessage(), "missing file " + copy.relativize(decoder));
    assertContains(e.getMessage(), "stage decoder");
  }

  @Test
  void renamedInputIsReportedWithTheModelsActualInputs() throws Exception {
    Path copy = copyTinyPack();
    ObjectNode root = manifest(copy);
    ObjectNode inputs = (ObjectNode) root.with("stages").with("decoder").with("inputs");
    inputs.set("noisy_sample", inputs.remove("sample"));
    write(copy, root);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(copy));
    assertContains(e.getMessage(), "(stage decoder)");
    assertContains(
        e.getMessage(), "input \"noisy_sample\" declared in pack.json is missing from the model");
    assertContains(e.getMessage(), "sample");
  }

  @Test
  void wrongStaticDimensionShowsExpectedAndActual() throws Exception {
    Path copy = copyTinyPack();
    ObjectNode root = manifest(copy);
    ArrayNode shape =
        (ArrayNode) root.with("stages").with("decoder").with("inputs").with("sample").get("shape");
    long real = shape.get(2).asLong();
    shape.set(2, JSON.getNodeFactory().numberNode(real + 1));
    write(copy, root);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(copy));
    assertContains(e.getMessage(), "input \"sample\" expected float32 [batch, 3, " + (real + 1));
    assertContains(e.getMessage(), "but the model has float32 [dynamic, 3, " + real);
  }

  @Test
  void wrongElementTypeIsReported() throws Exception {
    Path copy = copyTinyPack();
    ObjectNode root = manifest(copy);
    ((ObjectNode) root.with("stages").with("decoder").with("inputs").with("timestep"))
        .put("type", "float32");
    write(copy, root);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(copy));
    assertContains(e.getMessage(), "input \"timestep\" expected float32");
  }

  @Test
  void truncatedOnnxFileIsNotLoadable() throws Exception {
    Path copy = copyTinyPack();
    Path decoder = ModelPack.readManifest(copy).stage(ModelPack.DECODER).file();
    byte[] bytes = Files.readAllBytes(decoder);
    Files.write(decoder, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(copy));
    assertContains(
        e.getMessage(), decoder.getFileName() + " (stage decoder): not a loadable ONNX model");
  }

  @Test
  void directoryWithoutManifestIsNotAPack() {
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(temp));
    assertContains(e.getMessage(), "pack.json does not exist");
  }

  @Test
  void malformedManifestIsReported() throws Exception {
    Files.writeString(temp.resolve("pack.json"), "{\"format\": 1, \"name\": ");
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(temp));
    assertContains(e.getMessage(), "not valid JSON");
  }

  @Test
  void aFormatOnePackIsSentToTheUpgradeTool() throws Exception {
    Path pack = copyTinyPack();
    ObjectNode root = manifest(pack);
    root.put("format", 1);
    write(pack, root);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(pack));
    assertContains(e.getMessage(), "format 1 is no longer read");
    assertContains(e.getMessage(), "tools/export/format2.py " + pack);
  }

  @Test
  void halfOfUnclipIsNamed() throws Exception {
    Path pack = copyTinyPack();
    ObjectNode root = manifest(pack);
    root.with("stages").remove("decoder");
    write(pack, root);
    ModelPackException e = assertThrows(ModelPackException.class, () -> ModelPack.open(pack));
    assertContains(e.getMessage(), "unCLIP needs the stages [text_encoder, decoder]");
    assertContains(e.getMessage(), "[decoder] is missing");
  }

  @Test
  void anUnclipOnlyPackOpensWithoutInpainting() throws Exception {
    Path pack = copyTinyPack();
    ObjectNode root = manifest(pack);
    root.with("stages").remove("inpaint_base");
    write(pack, root);
    ModelPack opened = ModelPack.open(pack);
    assertTrue(opened.hasUnclip());
    assertFalse(opened.hasInpainting());
    try (Engine engine = Engine.open(opened, EngineOptions.cpu().withIntraOpThreads(2))) {
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, engine::inpaintPipeline);
      assertContains(e.getMessage(), "has no inpainting stage (inpaint_base)");
    }
  }

  @Test
  void aPackWithoutAPipelineDoesNotOpenAnEngine() throws Exception {
    Path pack = copyTinyPack();
    ObjectNode root = manifest(pack);
    for (String stage : List.of("text_encoder", "decoder", "inpaint_base")) {
      root.with("stages").remove(stage);
    }
    write(pack, root);
    ModelPackException e =
        assertThrows(
            ModelPackException.class,
            () -> Engine.open(ModelPack.readManifest(pack), EngineOptions.cpu()));
    assertContains(e.getMessage(), "has no pipeline to run");
  }

  @Test
  void gpt2TokenizersAreDeclaredWithEncoderAndMerges() throws Exception {
    Path glide = Fixtures.SHARED.resolve("data/glide").toAbsolutePath();
    Fixtures.requireFile(
        glide.resolve("encoder.json.gz"), "GLIDE vocabulary (../shared/data/glide)");
    Files.writeString(
        temp.resolve("pack.json"),
        """
        {"format": 2, "name": "glide-only", "version": "0", "image_size": 64,
         "tokenizers": {"glide": {"kind": "gpt2-bpe", "encoder": "%s", "merges": "%s", "context_length": 128}},
         "stages": {}}
        """
            .formatted(glide.resolve("encoder.json.gz"), glide.resolve("vocab.bpe.gz")));
    ModelPack pack = ModelPack.open(temp);
    var tokens = pack.tokenizers().get("glide").load().tokenize(java.util.List.of("a red circle"));
    assertEquals(50256, tokens.ids()[127]);
    assertFalse(tokens.mask()[3]);
  }

  private Path copyTinyPack() throws IOException {
    Path source = Fixtures.requireTinyPack().toRealPath();
    Path target = temp.resolve("pack");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path dest = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return target;
  }

  private static ObjectNode manifest(Path dir) throws IOException {
    return (ObjectNode) JSON.readTree(dir.resolve("pack.json").toFile());
  }

  private static void write(Path dir, ObjectNode root) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("pack.json").toFile(), root);
  }
}
