package dev.unclipstudio.pipeline.guidance;

import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.FloatBuffer;

/**
 * Classifier-free guidance for one stage: {@code guided = uncond + s·(cond − uncond)} on the
 * predicted channels, the variance channels taken from the conditional half. Off when s ≤ 1: then
 * only the B conditional rows are fed.
 *
 * @param scale guidance scale s
 * @param layout where the unconditional half sits
 */
public record ClassifierFreeGuidance(double scale, GuidanceLayout layout) {

  public boolean enabled() {
    return scale > 1.0;
  }

  /** Rows fed to the network for B images: 2B with guidance, else B. */
  public int rows(int batch) {
    return enabled() ? 2 * batch : batch;
  }

  /** Stacks the two halves in this layout, or returns {@code cond} alone when guidance is off. */
  public FloatTensor stack(FloatTensor uncond, FloatTensor cond) {
    if (!enabled()) {
      return cond;
    }
    return layout == GuidanceLayout.UNCOND_FIRST
        ? uncond.concatRows(cond)
        : cond.concatRows(uncond);
  }

  /**
   * Splits and guides a network output, read where ONNX Runtime wrote it, into buffers reused step
   * after step.
   *
   * @param output {@link #rows(int)} rows laid out as {@code channels} says
   * @param into B rows of the guided channels, and of the variance channels when there are any
   * @return {@code into}
   */
  public Guided combine(FloatBuffer output, int batch, OutputChannels channels, Guided into) {
    int rowSize = output.remaining() / rows(batch);
    int guidedSize = rowSize / channels.total() * channels.guided();
    int varianceSize = rowSize - guidedSize;
    into.requireSizes(batch * guidedSize, batch * varianceSize);
    int condRow = enabled() && layout == GuidanceLayout.UNCOND_FIRST ? batch : 0;
    int uncondRow = layout == GuidanceLayout.UNCOND_FIRST ? 0 : batch;
    int base = output.position();
    double[] guided = into.prediction();
    double[] variance = into.varianceValues();
    for (int r = 0; r < batch; r++) {
      int cond = base + (condRow + r) * rowSize;
      int uncond = base + (uncondRow + r) * rowSize;
      int to = r * guidedSize;
      if (enabled()) {
        for (int j = 0; j < guidedSize; j++) {
          double u = output.get(uncond + j);
          guided[to + j] = u + scale * (output.get(cond + j) - u);
        }
      } else {
        for (int j = 0; j < guidedSize; j++) {
          guided[to + j] = output.get(cond + j);
        }
      }
      for (int j = 0; j < varianceSize; j++) {
        variance[r * varianceSize + j] = output.get(cond + guidedSize + j);
      }
    }
    return into;
  }

  /**
   * A guided prediction for B images; one per sampling loop, overwritten by every step.
   *
   * @param prediction [B, guidedChannels, ...] ε or x0
   * @param varianceValues [B, C − guidedChannels, ...] from the conditional half, or null
   */
  public record Guided(double[] prediction, double[] varianceValues) {

    /**
     * Buffers for {@code values} predicted values, and as many variance values when the network has
     * them.
     */
    public static Guided allocate(int values, boolean withVariance) {
      return new Guided(new double[values], withVariance ? new double[values] : null);
    }

    /** Takes a prediction as it is (upsamplers take no guidance). */
    public Guided readUnguided(FloatBuffer output) {
      requireSizes(output.remaining(), 0);
      int base = output.position();
      for (int i = 0; i < prediction.length; i++) {
        prediction[i] = output.get(base + i);
      }
      return this;
    }

    private void requireSizes(int values, int variance) {
      int haveVariance = varianceValues == null ? 0 : varianceValues.length;
      if (prediction.length != values || haveVariance != variance) {
        throw new IllegalArgumentException(
            "guidance buffers hold "
                + prediction.length
                + " + "
                + haveVariance
                + " values, the network gave "
                + values
                + " + "
                + variance);
      }
    }
  }
}
