package dev.unclipstudio.pipeline.tensor;

import java.util.Arrays;

/**
 * A row-major float32 tensor. Axis 0 is the batch ("row") axis everywhere in the engine. The data
 * array is shared, not copied: treat it as read-only once the tensor is handed on.
 */
public record FloatTensor(float[] data, long[] shape) {

  public FloatTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  public static FloatTensor of(float[] data, long... shape) {
    return new FloatTensor(data, shape);
  }

  public static FloatTensor zeros(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return new FloatTensor(new float[Math.toIntExact(n)], shape);
  }

  public static FloatTensor fromDoubles(double[] data, long... shape) {
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) data[i];
    }
    return new FloatTensor(f, shape);
  }

  public int rows() {
    return (int) shape[0];
  }

  /** Values per row. */
  public int rowSize() {
    return rows() == 0 ? 0 : data.length / rows();
  }

  public double[] toDoubles() {
    double[] out = new double[data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[i];
    }
    return out;
  }

  /** Rows [from, to). */
  public FloatTensor rows(int from, int to) {
    long[] s = shape.clone();
    s[0] = to - from;
    return new FloatTensor(Arrays.copyOfRange(data, from * rowSize(), to * rowSize()), s);
  }

  /** This tensor's rows followed by {@code other}'s ([a, ...] ++ [b, ...] → [a + b, ...]). */
  public FloatTensor concatRows(FloatTensor other) {
    if (!Arrays.equals(
        Arrays.copyOfRange(shape, 1, shape.length),
        Arrays.copyOfRange(other.shape, 1, other.shape.length))) {
      throw new IllegalArgumentException(
          "cannot stack " + Arrays.toString(shape) + " and " + Arrays.toString(other.shape));
    }
    float[] d = Arrays.copyOf(data, data.length + other.data.length);
    System.arraycopy(other.data, 0, d, data.length, other.data.length);
    long[] s = shape.clone();
    s[0] += other.shape[0];
    return new FloatTensor(d, s);
  }

  /** [B, ...] → [times·B, ...]: the whole batch repeated (for the two guidance halves). */
  public FloatTensor repeatBatch(int times) {
    float[] d = new float[data.length * times];
    for (int k = 0; k < times; k++) {
      System.arraycopy(data, 0, d, k * data.length, data.length);
    }
    long[] s = shape.clone();
    s[0] *= times;
    return new FloatTensor(d, s);
  }

  /** [1, ...] → [n, ...]. */
  public FloatTensor broadcastRows(int n) {
    if (rows() != 1) {
      throw new IllegalArgumentException("expected one row, got " + Arrays.toString(shape));
    }
    return repeatBatch(n);
  }
}
