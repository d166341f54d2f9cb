package dev.unclipstudio.pipeline.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The input tensors of one call or loop, each over a direct buffer of ours that ONNX Runtime reads
 * in place, in the element type the model declares; closed together.
 */
final class Feed implements AutoCloseable {

  /** A tensor over a direct buffer of ours, which ONNX Runtime reads and writes in place. */
  record Bound(OnnxTensor tensor, Buffer buffer) {}

  private final Map<String, Bound> bound = new HashMap<>();

  private Feed() {}

  /**
   * Binds {@code inputs} to tensors of the types in {@code inputTypes}; on failure the tensors
   * already created are closed again.
   */
  static Feed bind(
      OrtEnvironment env,
      Map<String, OnnxJavaType> inputTypes,
      Map<String, StageInput> inputs,
      String stage)
      throws OrtException {
    Feed feed = new Feed();
    try {
      for (Map.Entry<String, StageInput> e : inputs.entrySet()) {
        OnnxJavaType type = inputTypes.get(e.getKey());
        if (type == null) {
          throw new IllegalArgumentException("stage " + stage + " has no input " + e.getKey());
        }
        Bound b = allocate(env, e.getValue(), type, stage + " input " + e.getKey());
        feed.bound.put(e.getKey(), b);
        write(e.getValue(), b.buffer());
      }
      return feed;
    } catch (OrtException | RuntimeException e) {
      feed.close(); // never leak the tensors created before the failure
      throw e;
    }
  }

  Map<String, OnnxTensor> tensors() {
    Map<String, OnnxTensor> t = new HashMap<>();
    bound.forEach((k, v) -> t.put(k, v.tensor()));
    return t;
  }

  /** New values of the same shapes, written over the bound ones. */
  void write(Map<String, StageInput> values) {
    values.forEach((name, value) -> write(value, buffer(name)));
  }

  Buffer buffer(String name) {
    Bound b = bound.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no input " + name);
    }
    return b.buffer();
  }

  @Override
  public void close() {
    bound.values().forEach(b -> b.tensor().close());
  }

  /** A float tensor over a new direct buffer, for an output ONNX Runtime writes into. */
  static Bound floatOutput(OrtEnvironment env, long[] shape) throws OrtException {
    FloatBuffer out = direct(Math.toIntExact(elements(shape) * 4)).asFloatBuffer();
    return new Bound(OnnxTensor.createTensor(env, out, shape), out);
  }

  /** A tensor over a new direct buffer of the element type the model takes for an input. */
  private static Bound allocate(
      OrtEnvironment env, StageInput input, OnnxJavaType type, String what) throws OrtException {
    long[] shape = input.shape();
    int n = Math.toIntExact(elements(shape));
    if (input instanceof StageInput.Bools) {
      ByteBuffer b = direct(n);
      return new Bound(OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL), b);
    }
    if (input instanceof StageInput.Floats
        || type == OnnxJavaType.FLOAT) { // integers fed to a float input too
      FloatBuffer b = direct(n * 4).asFloatBuffer();
      return new Bound(OnnxTensor.createTensor(env, b, shape), b);
    }
    return switch (type) {
      case INT64 -> {
        LongBuffer b = direct(n * 8).asLongBuffer();
        yield new Bound(OnnxTensor.createTensor(env, b, shape), b);
      }
      case INT32 -> {
        IntBuffer b = direct(n * 4).asIntBuffer();
        yield new Bound(OnnxTensor.createTensor(env, b, shape), b);
      }
      default ->
          throw new IllegalArgumentException(
              what + " takes " + type + ", which integer values cannot be fed as");
    };
  }

  /**
   * Writes an input's values into its buffer (absolute puts: the tensor's view of the buffer never
   * moves).
   */
  private static void write(StageInput input, Buffer buffer) {
    if (input instanceof StageInput.Floats f) {
      ((FloatBuffer) buffer).put(0, f.tensor().data());
    } else if (input instanceof StageInput.Bools bools) {
      ByteBuffer b = (ByteBuffer) buffer;
      boolean[] values = bools.values();
      for (int i = 0; i < values.length; i++) {
        b.put(i, (byte) (values[i] ? 1 : 0));
      }
    } else {
      long[] values = ((StageInput.Ints) input).values();
      if (buffer instanceof LongBuffer b) {
        b.put(0, values);
      } else if (buffer instanceof IntBuffer b) {
        for (int i = 0; i < values.length; i++) {
          b.put(i, Math.toIntExact(values[i]));
        }
      } else {
        FloatBuffer b = (FloatBuffer) buffer;
        for (int i = 0; i < values.length; i++) {
          b.put(i, values[i]);
        }
      }
    }
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }
}
