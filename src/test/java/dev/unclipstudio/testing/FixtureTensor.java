package dev.unclipstudio.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.StageInput;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A tensor of the tiny-pack fixtures: {@code {"dtype", "shape", "b64"}}, row-major little-endian
 * values (bool = one byte each), as docs/model-packs.md describes. Noise and stage inputs are
 * stored as float16 where the reference drew them on that grid, which halves the fixtures without
 * losing a bit.
 */
public record FixtureTensor(String dtype, long[] shape, ByteBuffer bytes) {

  public static FixtureTensor of(JsonNode node) {
    JsonNode s = node.get("shape");
    long[] shape = new long[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asLong();
    }
    ByteBuffer bytes =
        ByteBuffer.wrap(Base64.getDecoder().decode(node.get("b64").asText()))
            .order(ByteOrder.LITTLE_ENDIAN);
    return new FixtureTensor(node.get("dtype").asText(), shape, bytes);
  }

  public int size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return (int) n;
  }

  public float[] floats() {
    float[] out = new float[size()];
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "float32" -> b.asFloatBuffer().get(out);
      case "float16" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = halfToFloat(b.getShort(i * 2));
        }
      }
      case "float64" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
      }
      default -> throw new IllegalStateException("not a float tensor: " + dtype);
    }
    return out;
  }

  public double[] doubles() {
    if (dtype.equals("float64")) {
      double[] out = new double[size()];
      bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
      return out;
    }
    return Fixtures.toDoubles(floats());
  }

  public long[] longs() {
    long[] out = new long[size()];
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (dtype) {
            case "int64" -> b.getLong(i * 8);
            case "int32" -> b.getInt(i * 4);
            case "bool", "uint8" -> b.get(i);
            default -> throw new IllegalStateException("not an integer tensor: " + dtype);
          };
    }
    return out;
  }

  public boolean[] booleans() {
    boolean[] out = new boolean[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i) != 0;
    }
    return out;
  }

  /** A source image stored as uint8 [1, H, W, 3]. */
  public RgbImage rgbImage() {
    if (!dtype.equals("uint8") || shape.length != 4 || shape[0] != 1 || shape[3] != 3) {
      throw new IllegalStateException("not a [1, H, W, 3] uint8 image: " + dtype);
    }
    byte[] rgb = new byte[size()];
    bytes.duplicate().get(rgb);
    return new RgbImage((int) shape[2], (int) shape[1], rgb);
  }

  public FloatTensor toFloatTensor() {
    return new FloatTensor(floats(), shape.clone());
  }

  /** As a model input of the stored element type. */
  public StageInput toStageInput() {
    return switch (dtype) {
      case "float16", "float32", "float64" -> new StageInput.Floats(toFloatTensor());
      case "bool" -> new StageInput.Bools(booleans(), shape.clone());
      default -> new StageInput.Ints(longs(), shape.clone());
    };
  }

  /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
