package dev.unclipstudio.pipeline.guidance;

import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.FloatBuffer;

/**
 * Classifier-free guidance for one stage: {@code guided = uncond + s·(cond − uncond)} on the predicted channels, the
 * variance channels taken from the conditional half. Off when s ≤ 1: then only the B conditional rows are fed.
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
    if (!enabled()) return cond;
    return layout == GuidanceLayout.UNCOND_FIRST ? uncond.concatRows(cond) : cond.concatRows(uncond);
  }

  /**
   * Splits and guides a network output, read where ONNX Runtime wrote it.
   *
   * @param output {@link #rows(int)} rows of {@code channels} equal channels: [0, guidedChannels) are ε or x0, the
   *     rest variance values (none when guidedChannels = channels)
   */
  public Guided combine(FloatBuffer output, int batch, int channels, int guidedChannels) {
    int rowSize = output.remaining() / rows(batch);
    int guidedSize = rowSize / channels * guidedChannels;
    int varianceSize = rowSize - guidedSize;
    int condRow = enabled() && layout == GuidanceLayout.UNCOND_FIRST ? batch : 0;
    int uncondRow = layout == GuidanceLayout.UNCOND_FIRST ? 0 : batch;
    int base = output.position();
    double[] guided = new double[batch * guidedSize];
    double[] variance = varianceSize > 0 ? new double[batch * varianceSize] : null;
    for (int r = 0; r < batch; r++) {
      int cond = base + (condRow + r) * rowSize;
      int uncond = base + (uncondRow + r) * rowSize;
      for (int j = 0; j < guidedSize; j++) {
        double c = output.get(cond + j);
        if (enabled()) {
          double u = output.get(uncond + j);
          c = u + scale * (c - u);
        }
        guided[r * guidedSize + j] = c;
      }
      for (int j = 0; j < varianceSize; j++) variance[r * varianceSize + j] = output.get(cond + guidedSize + j);
    }
    return new Guided(guided, variance);
  }

  /**
   * A guided prediction for B images.
   *
   * @param prediction [B, guidedChannels, ...] ε or x0
   * @param varianceValues [B, C − guidedChannels, ...] from the conditional half, or null
   */
  public record Guided(double[] prediction, double[] varianceValues) {

    /** A prediction taken as it is (upsamplers take no guidance). */
    public static Guided unguided(FloatBuffer prediction) {
      double[] values = new double[prediction.remaining()];
      for (int i = 0; i < values.length; i++) values[i] = prediction.get(prediction.position() + i);
      return new Guided(values, null);
    }
  }
}
