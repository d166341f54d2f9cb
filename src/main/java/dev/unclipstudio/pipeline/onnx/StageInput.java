package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Arrays;

/**
 * A value for one model input, converted to the element type the loaded model actually declares.
 */
public sealed interface StageInput {

  long[] shape();

  /** Float values. */
  record Floats(FloatTensor tensor) implements StageInput {
    @Override
    public long[] shape() {
      return tensor.shape();
    }
  }

  /** Integer values (token ids, timesteps): fed as int32 or int64, whichever the model takes. */
  record Ints(long[] values, long[] shape) implements StageInput {

    public static Ints of(int[] values, long... shape) {
      return new Ints(Arrays.stream(values).asLongStream().toArray(), shape);
    }

    /** The same timestep for each of {@code rows} rows: [rows]. */
    public static Ints timestep(int t, int rows) {
      long[] v = new long[rows];
      Arrays.fill(v, t);
      return new Ints(v, new long[] {rows});
    }
  }

  /** Boolean values (attention masks). */
  record Bools(boolean[] values, long[] shape) implements StageInput {}
}
