package dev.unclipstudio.pipeline.pack;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.pipeline.image.ClipImagePreprocessor;
import dev.unclipstudio.pipeline.schedule.BetaSchedule;
import dev.unclipstudio.pipeline.schedule.DiffusionConfig;
import dev.unclipstudio.pipeline.schedule.PredictionType;
import dev.unclipstudio.pipeline.schedule.VarianceType;
import dev.unclipstudio.pipeline.text.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model pack read from {@code pack.json} (format 2, docs/model-packs.md). Immutable apart from a
 * cache of loaded tokenizers; thread-safe.
 */
public final class ModelPack {

  public static final String TEXT_ENCODER = "text_encoder";
  public static final String IMAGE_ENCODER = "image_encoder";
  public static final String PRIOR = "prior";
  public static final String DECODER = "decoder";
  public static final String SUPER_RES_FIRST = "super_res_first";
  public static final String SUPER_RES_LAST = "super_res_last";
  public static final String INPAINT_BASE = "inpaint_base";
  public static final String INPAINT_UPSAMPLER = "inpaint_upsampler";

  /** What a pack needs for unCLIP (text → image, variations, interpolation). */
  public static final List<String> UNCLIP_STAGES = List.of(TEXT_ENCODER, DECODER);

  /** The manifest format this engine reads. */
  public static final int FORMAT = 2;

  public static final String CLIP_MEAN = "clip_mean";
  public static final String CLIP_STD = "clip_std";
  public static final String NULL_IMAGE_EMBEDDING = "null_image_embedding";

  private final Path dir;
  private final String name;
  private final String version;
  private final String license;
  private final String description;
  private final int imageSize;
  private final Precision precision;
  private final Map<String, TokenizerSpec> tokenizers;
  private final ClipImageSpec clip;
  private final Map<String, Path> sideData;
  private final Map<String, StageSpec> stages;
  private final KnownWords knownWords; // null: the pack lists no vocabulary
  private final Map<String, Tokenizer> loadedTokenizers = new ConcurrentHashMap<>();

  private ModelPack(Path dir, JsonNode root) throws ModelPackException {
    this.dir = dir;
    int format = required(root, "format").asInt();
    if (format == 1) {
      // format 1 had diffusers' separate text_proj stage and a 6-channel super-res input
      throw new ModelPackException(
          "pack.json in "
              + dir
              + ": format 1 is no longer read; upgrade the pack in place with"
              + " tools/export/format2.py "
              + dir
              + " (no weight changes)");
    }
    if (format != FORMAT) {
      throw new ModelPackException(
          "pack.json in " + dir + ": unsupported format " + format + " (expected " + FORMAT + ")");
    }
    this.name = required(root, "name").asText();
    this.version = required(root, "version").asText();
    this.license = root.path("license").asText("");
    this.description = root.path("description").asText("");
    this.imageSize = required(root, "image_size").asInt();
    this.precision = Precision.of(root.path("precision").asText("float32"));
    this.tokenizers = readTokenizers(root.path("tokenizers"));
    this.clip = readClip(root.path("clip"));
    this.sideData = readSideData(root.path("side_data"));
    this.stages = readStages(required(root, "stages"));
    this.knownWords = KnownWords.read(dir).orElse(null);
  }

  /**
   * Reads the manifest, checks that every file exists, and loads every ONNX file once to check its
   * input and output names, element types and static dimensions against the manifest.
   */
  public static ModelPack open(Path dir) throws ModelPackException {
    ModelPack pack = readManifest(dir);
    pack.verifySignatures();
    return pack;
  }

  /**
   * Reads the manifest and checks that every file exists, without loading any model (fast: for
   * listings).
   */
  public static ModelPack readManifest(Path dir) throws ModelPackException {
    Path manifest = dir.resolve("pack.json");
    if (!Files.isRegularFile(manifest)) {
      throw new ModelPackException(
          "not a model pack: " + manifest.toAbsolutePath() + " does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(manifest.toFile());
    } catch (IOException e) {
      throw new ModelPackException(
          "pack.json in " + dir + " is not valid JSON: " + e.getMessage(), e);
    }
    ModelPack pack;
    try {
      pack = new ModelPack(dir, root);
    } catch (IllegalArgumentException e) {
      throw new ModelPackException("pack.json in " + dir + ": " + e.getMessage(), e);
    }
    pack.verifyFiles();
    return pack;
  }

  private void verifyFiles() throws ModelPackException {
    verifyPipelines();
    for (StageSpec stage : stages.values()) {
      requireFile(stage.file(), "stage " + stage.name());
    }
    for (TokenizerSpec t : tokenizers.values()) {
      requireFile(t.merges(), "tokenizer " + t.name());
      if (t.encoder() != null) {
        requireFile(t.encoder(), "tokenizer " + t.name());
      }
    }
    for (Map.Entry<String, Path> e : sideData.entrySet()) {
      requireFile(e.getValue(), "side data " + e.getKey());
      try {
        long size = Files.size(e.getValue());
        if (clip != null && size != 4L * clip.embedDim()) {
          throw new ModelPackException(
              dir.relativize(e.getValue())
                  + " (side data "
                  + e.getKey()
                  + "): expected "
                  + 4L * clip.embedDim()
                  + " bytes ("
                  + clip.embedDim()
                  + " float32) but the file has "
                  + size);
        }
      } catch (IOException ex) {
        throw new ModelPackException("cannot read " + e.getValue() + ": " + ex.getMessage(), ex);
      }
    }
    for (StageSpec stage : stages.values()) {
      if (stage.tokenizer() != null && !tokenizers.containsKey(stage.tokenizer())) {
        throw new ModelPackException(
            "stage "
                + stage.name()
                + " names tokenizer \""
                + stage.tokenizer()
                + "\", which pack.json does not define (defined: "
                + tokenizers.keySet()
                + ")");
      }
    }
  }

  /**
   * A pack may hold the unCLIP stages, the inpainting stages, or both (a GLIDE export has only
   * inpainting); half of unCLIP, or an upsampler without its base, is a mistake worth naming.
   */
  private void verifyPipelines() throws ModelPackException {
    List<String> missing = UNCLIP_STAGES.stream().filter(s -> !stages.containsKey(s)).toList();
    if (missing.size() < UNCLIP_STAGES.size() && !missing.isEmpty()) {
      throw new ModelPackException(
          "pack.json in "
              + dir
              + ": unCLIP needs the stages "
              + UNCLIP_STAGES
              + " but "
              + missing
              + (missing.size() == 1 ? " is" : " are")
              + " missing");
    }
    if (hasStage(INPAINT_UPSAMPLER) && !hasInpainting()) {
      throw new ModelPackException(
          "pack.json in " + dir + ": " + INPAINT_UPSAMPLER + " without " + INPAINT_BASE);
    }
    // the inpainting upsampler is fed the tokens the base's tokenizer made
    if (hasStage(INPAINT_UPSAMPLER)
        && !Objects.equals(
            stages.get(INPAINT_UPSAMPLER).tokenizer(), stages.get(INPAINT_BASE).tokenizer())) {
      throw new ModelPackException(
          "pack.json in "
              + dir
              + ": "
              + INPAINT_UPSAMPLER
              + " names tokenizer "
              + stages.get(INPAINT_UPSAMPLER).tokenizer()
              + " but "
              + INPAINT_BASE
              + " names "
              + stages.get(INPAINT_BASE).tokenizer()
              + "; both read the same tokens");
    }
  }

  private void requireFile(Path file, String what) throws ModelPackException {
    if (!Files.isRegularFile(file)) {
      throw new ModelPackException(
          "missing file " + dir.relativize(file) + " (" + what + ") in pack " + dir);
    }
  }

  private void verifySignatures() throws ModelPackException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (StageSpec stage : stages.values()) {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        // only the signature is needed: skip graph optimisation to load quickly
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        try (OrtSession session = env.createSession(stage.file().toString(), options)) {
          StageSignature.verify(stage, session);
        }
      } catch (OrtException e) {
        throw new ModelPackException(
            StageSignature.where(stage) + ": not a loadable ONNX model: " + e.getMessage(), e);
      }
    }
  }

  // ---- manifest parsing ----

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field \"" + field + "\"");
    }
    return v;
  }

  private Map<String, TokenizerSpec> readTokenizers(JsonNode node) {
    Map<String, TokenizerSpec> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode t = e.getValue();
      String kind = required(t, "kind").asText();
      if (!kind.equals("clip-bpe") && !kind.equals("gpt2-bpe")) {
        throw new IllegalArgumentException(
            "tokenizer " + e.getKey() + ": unknown kind \"" + kind + "\" (clip-bpe | gpt2-bpe)");
      }
      Path encoder = kind.equals("gpt2-bpe") ? dir.resolve(required(t, "encoder").asText()) : null;
      Integer maxMerges = t.hasNonNull("max_merges") ? t.get("max_merges").asInt() : null;
      out.put(
          e.getKey(),
          new TokenizerSpec(
              e.getKey(),
              kind,
              dir.resolve(required(t, "merges").asText()),
              encoder,
              maxMerges,
              required(t, "context_length").asInt()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static ClipImageSpec readClip(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    return new ClipImageSpec(
        required(node, "embed_dim").asInt(),
        node.path("image_size").asInt(224),
        floats(node.path("image_mean"), new float[] {0.48145466f, 0.4578275f, 0.40821073f}),
        floats(node.path("image_std"), new float[] {0.26862954f, 0.26130258f, 0.27577711f}),
        choice(node, "resample", "float", ClipImagePreprocessor.Resample::named),
        choice(node, "crop", "center", ClipImagePreprocessor.Crop::named));
  }

  private static <T> T choice(
      JsonNode node, String field, String fallback, java.util.function.Function<String, T> named) {
    String value = node.path(field).asText(fallback);
    try {
      return named.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("clip." + field + ": unknown value \"" + value + "\"", e);
    }
  }

  private static float[] floats(JsonNode node, float[] fallback) {
    if (!node.isArray()) {
      return fallback;
    }
    float[] out = new float[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) node.get(i).asDouble();
    }
    return out;
  }

  private Map<String, Path> readSideData(JsonNode node) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), dir.resolve(e.getValue().asText()));
    }
    return Collections.unmodifiableMap(out);
  }

  private Map<String, StageSpec> readStages(JsonNode node) {
    Map<String, StageSpec> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String stage = e.getKey();
      JsonNode s = e.getValue();
      try {
        out.put(
            stage,
            new StageSpec(
                stage,
                dir.resolve(required(s, "file").asText()),
                s.hasNonNull("tokenizer") ? s.get("tokenizer").asText() : null,
                s.hasNonNull("image_size") ? s.get("image_size").asInt() : null,
                readTensors(required(s, "inputs")),
                readTensors(required(s, "outputs")),
                s.hasNonNull("scheduler") ? readScheduler(s.get("scheduler")) : null,
                s.hasNonNull("guidance_scale") ? s.get("guidance_scale").asDouble() : null));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("stage " + stage + ": " + ex.getMessage(), ex);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static Map<String, TensorSpec> readTensors(JsonNode node) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode shapeNode = required(e.getValue(), "shape");
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        shape[i] = d.isNumber() ? d.asLong() : TensorSpec.BATCH;
        if (!d.isNumber() && !d.asText().equals("batch")) {
          throw new IllegalArgumentException(
              e.getKey() + ": shape entries are numbers or \"batch\", got " + d);
        }
      }
      out.put(
          e.getKey(),
          new TensorSpec(
              e.getKey(), ElementType.named(required(e.getValue(), "type").asText()), shape));
    }
    return Collections.unmodifiableMap(out);
  }

  private static DiffusionConfig readScheduler(JsonNode s) {
    return new DiffusionConfig(
        BetaSchedule.named(s.path("beta_schedule").asText("cosine")),
        s.path("num_train_timesteps").asInt(1000),
        PredictionType.named(s.path("prediction_type").asText("epsilon")),
        VarianceType.named(s.path("variance_type").asText("fixed_small_log")),
        s.path("clip_sample_range").asDouble(1.0),
        required(s, "respacing").asText());
  }

  // ---- accessors ----

  public Path dir() {
    return dir;
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String license() {
    return license;
  }

  public String description() {
    return description;
  }

  /**
   * The weights' precision. Graph inputs and outputs are float32 either way; a float16 pack
   * (tools/export/fp16.py) computes its convolutions and matrix products in float16.
   */
  public Precision precision() {
    return precision;
  }

  /** {@code "precision"} in pack.json. */
  public enum Precision {
    FLOAT32,
    FLOAT16;

    static Precision of(String name) {
      return switch (name) {
        case "float32" -> FLOAT32;
        case "float16" -> FLOAT16;
        default ->
            throw new IllegalArgumentException(
                "precision \"" + name + "\" is not float32 or float16");
      };
    }
  }

  /** Size of the final images (after the upsampler chain). */
  public int imageSize() {
    return imageSize;
  }

  public ClipImageSpec clip() {
    if (clip == null) {
      throw new IllegalStateException("pack " + name + " has no \"clip\" section");
    }
    return clip;
  }

  public Map<String, StageSpec> stages() {
    return stages;
  }

  public boolean hasStage(String stage) {
    return stages.containsKey(stage);
  }

  public StageSpec stage(String stage) {
    StageSpec spec = stages.get(stage);
    if (spec == null) {
      throw new IllegalStateException("pack " + name + " has no stage " + stage);
    }
    return spec;
  }

  /** Whether the pack runs unCLIP: text → image (with a prior), variations, interpolation. */
  public boolean hasUnclip() {
    return UNCLIP_STAGES.stream().allMatch(this::hasStage);
  }

  public boolean hasInpainting() {
    return hasStage(INPAINT_BASE);
  }

  public boolean hasImageEncoder() {
    return hasStage(IMAGE_ENCODER);
  }

  public Map<String, TokenizerSpec> tokenizers() {
    return tokenizers;
  }

  /** The tokenizer feeding {@code stage}, loaded once. */
  public Tokenizer tokenizerFor(String stage) {
    String tokenizerName = stage(stage).tokenizer();
    if (tokenizerName == null) {
      throw new IllegalStateException("stage " + stage + " names no tokenizer");
    }
    return loadedTokenizers.computeIfAbsent(
        tokenizerName,
        n -> {
          try {
            return tokenizers.get(n).load();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                "cannot load tokenizer " + n + " of pack " + name, e);
          }
        });
  }

  /**
   * The words of {@code text} the pack's model never saw in training, by the pack's {@value
   * KnownWords#FILE}; none when the pack ships no such list.
   */
  public List<String> unknownWords(String text) {
    return knownWords == null ? List.of() : knownWords.unknownIn(text);
  }

  /** A float32 side vector (clip_mean, clip_std, null_image_embedding). */
  public float[] sideVector(String key) {
    Path file = sideData.get(key);
    if (file == null) {
      throw new IllegalStateException("pack " + name + " has no side data " + key);
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[bytes.remaining() / 4];
      bytes.asFloatBuffer().get(out);
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Most prompt tokens the text encoder sees (its context length, including start and end tokens).
   */
  public int maxPromptTokens() {
    return contextLength();
  }

  public int contextLength() {
    String stage = hasStage(TEXT_ENCODER) ? TEXT_ENCODER : INPAINT_BASE;
    return tokenizers.get(stage(stage).tokenizer()).contextLength();
  }

  public int priorSteps() {
    return steps(PRIOR);
  }

  public int decoderSteps() {
    return steps(DECODER);
  }

  public int superResSteps() {
    return steps(SUPER_RES_FIRST);
  }

  public int inpaintSteps() {
    return steps(INPAINT_BASE);
  }

  public double priorGuidanceScale() {
    return guidance(PRIOR);
  }

  public double decoderGuidanceScale() {
    return guidance(DECODER);
  }

  public double inpaintGuidanceScale() {
    return guidance(INPAINT_BASE);
  }

  private int steps(String stage) {
    return hasStage(stage) ? stage(stage).defaultSteps() : 0;
  }

  private double guidance(String stage) {
    if (!hasStage(stage)) {
      return 1.0;
    }
    Double g = stage(stage).guidanceScale();
    return g == null ? 1.0 : g;
  }

  @Override
  public String toString() {
    return "ModelPack[" + name + " " + version + " at " + dir + "]";
  }
}
