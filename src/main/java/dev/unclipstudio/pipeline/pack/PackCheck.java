package dev.unclipstudio.pipeline.pack;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The export check: every stage that has a {@code check/<stage>.json} in the pack (random inputs
 * and the PyTorch module's outputs on them, written by the export tools; tensors as in
 * docs/model-packs.md "Test fixtures") is run in ONNX Runtime and compared with PyTorch. The export
 * tools run without ONNX Runtime for Python, so this is where a graph that does not compute what
 * its module computes is caught.
 */
public final class PackCheck {

  /**
   * Default limit on the max abs error: float32 graphs of the full-size models reorder sums over
   * hundreds of layers, which costs up to about 1e-4 on outputs of order 1 (GLIDE's 256 px
   * upsampler at random weights: 1.1e-4); a wrong export is off by far more.
   */
  public static final double DEFAULT_ATOL = 1e-3;

  /**
   * Limit for float16 packs (tools/export/fp16.py), on the error divided by the output's largest
   * magnitude (at least 1): float16 keeps 11 significant bits, so one rounding costs up to 5e-4 of
   * a value, and a few dozen layers of them add up to a few 1e-3 (Karlo's small random-weight
   * models: text encoder 3.9e-3 of outputs of order 1); a graph that computes something else is off
   * by order 1.
   */
  public static final double FLOAT16_SCALED_LIMIT = 1e-2;

  /**
   * One stage's result.
   *
   * @param maxAbsError over every output value
   * @param values how many output values were compared
   * @param maxAbsExpected the largest magnitude among PyTorch's output values
   */
  public record StageResult(String stage, double maxAbsError, long values, double maxAbsExpected) {

    /** The error relative to the output's scale: maxAbsError / max(1, maxAbsExpected). */
    public double scaledError() {
      return maxAbsError / Math.max(1, maxAbsExpected);
    }
  }

  /**
   * What a stage's error is held to.
   *
   * @param limit the largest error that passes
   * @param scaled whether the limit is on {@link StageResult#scaledError()} (else on the max abs
   *     error)
   */
  public record Limit(double limit, boolean scaled) {

    /** The pack's own limit: absolute 1e-3 for float32 weights, scaled 1e-2 for float16. */
    public static Limit of(ModelPack pack) {
      return pack.precision() == ModelPack.Precision.FLOAT16
          ? new Limit(FLOAT16_SCALED_LIMIT, true)
          : new Limit(DEFAULT_ATOL, false);
    }

    public boolean passes(StageResult r) {
      return (scaled ? r.scaledError() : r.maxAbsError()) <= limit;
    }

    @Override
    public String toString() {
      return scaled ? limit + " of the largest output value" : String.valueOf(limit);
    }
  }

  private PackCheck() {}

  /** The stages of {@code pack} with a check file, in manifest order; empty when none has one. */
  public static List<String> checkedStages(ModelPack pack) {
    List<String> out = new ArrayList<>();
    for (String stage : pack.stages().keySet()) {
      if (Files.isRegularFile(checkFile(pack, stage))) {
        out.add(stage);
      }
    }
    return out;
  }

  public static Path checkFile(ModelPack pack, String stage) {
    return pack.dir().resolve("check").resolve(stage + ".json");
  }

  /** Runs one stage on its check inputs (CPU) and measures the error of every declared output. */
  public static StageResult run(ModelPack pack, String stage) throws ModelPackException {
    StageSpec spec = pack.stage(stage);
    Path file = checkFile(pack, stage);
    JsonNode check;
    try {
      check = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelPackException("cannot read " + file + ": " + e.getMessage(), e);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(spec.file().toString(), options)) {
      for (var it = check.get("inputs").fields(); it.hasNext(); ) {
        var e = it.next();
        inputs.put(e.getKey(), tensor(env, e.getValue()));
      }
      double worst = 0;
      double largest = 0;
      long values = 0;
      try (OrtSession.Result result = session.run(inputs)) {
        for (var it = check.get("outputs").fields(); it.hasNext(); ) {
          var e = it.next();
          float[] expected = floats(e.getValue());
          Optional<OnnxValue> actual = result.get(e.getKey());
          if (actual.isEmpty()) {
            throw new ModelPackException(
                file + ": output \"" + e.getKey() + "\" is not an output of " + spec.file());
          }
          FloatBuffer got = ((OnnxTensor) actual.get()).getFloatBuffer();
          if (got.remaining() != expected.length) {
            throw new ModelPackException(
                stage
                    + ": output "
                    + e.getKey()
                    + " has "
                    + got.remaining()
                    + " values, PyTorch gave "
                    + expected.length);
          }
          for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(got.get(i) - expected[i]);
            // NaN is the worst error there is
            worst = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(worst, diff);
            largest = Math.max(largest, Math.abs(expected[i]));
          }
          values += expected.length;
        }
      }
      return new StageResult(stage, worst, values, largest);
    } catch (OrtException e) {
      throw new ModelPackException(stage + ": ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static ByteBuffer bytes(JsonNode t) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(t.get("b64").asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long[] shape(JsonNode t) {
    long[] shape = new long[t.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.get("shape").get(i).asLong();
    }
    return shape;
  }

  private static float[] floats(JsonNode t) {
    if (!t.get("dtype").asText().equals("float32")) {
      throw new IllegalArgumentException("check outputs are float32, got " + t.get("dtype"));
    }
    ByteBuffer b = bytes(t);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static OnnxTensor tensor(OrtEnvironment env, JsonNode t) throws OrtException {
    long[] shape = shape(t);
    ByteBuffer b = bytes(t);
    return switch (t.get("dtype").asText()) {
      case "float32" -> OnnxTensor.createTensor(env, b.asFloatBuffer(), shape);
      case "int64" -> OnnxTensor.createTensor(env, b.asLongBuffer(), shape);
      case "int32" -> OnnxTensor.createTensor(env, b.asIntBuffer(), shape);
      case "bool" -> OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL); // a byte each
      default -> throw new IllegalArgumentException("unsupported check dtype " + t.get("dtype"));
    };
  }
}
