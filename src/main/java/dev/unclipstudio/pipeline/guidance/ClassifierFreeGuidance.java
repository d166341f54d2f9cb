package dev.unclipstudio.pipeline.guidance;

import dev.unclipstudio.pipeline.tensor.FloatTensor;

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

  /** Rows of the conditional half of a network output with {@link #rows(int)} rows. */
  public FloatTensor conditional(FloatTensor output, int batch) {
    if (!enabled()) return output;
    return layout == GuidanceLayout.UNCOND_FIRST ? output.rows(batch, 2 * batch) : output.rows(0, batch);
  }

  /**
   * Splits and guides a network output.
   *
   * @param output [rows(B), C, ...] where channels [0, guidedChannels) are ε or x0 and the rest are variance values
   * @param guidedChannels C for a plain output; 3 for a 6-channel ε ‖ v output
   */
  public Guided combine(FloatTensor output, int batch, int guidedChannels) {
    FloatTensor cond = conditional(output, batch); // [B, C, ...]
    int channels = output.shape().length > 1 ? (int) output.shape()[1] : 1;
    boolean split = output.shape().length > 1 && guidedChannels < channels;
    FloatTensor condPred = split ? cond.channels(0, guidedChannels) : cond;
    double[] guided = condPred.toDoubles();
    if (enabled()) {
      FloatTensor uncond = layout == GuidanceLayout.UNCOND_FIRST
          ? output.rows(0, batch)
          : output.rows(batch, 2 * batch);
      float[] u = (split ? uncond.channels(0, guidedChannels) : uncond).data();
      for (int i = 0; i < guided.length; i++) guided[i] = u[i] + scale * (guided[i] - u[i]);
    }
    double[] variance = split ? cond.channels(guidedChannels, channels).toDoubles() : null;
    return new Guided(guided, variance);
  }

  /**
   * A guided prediction for B images.
   *
   * @param prediction [B, guidedChannels, ...] ε or x0
   * @param varianceValues [B, C − guidedChannels, ...] from the conditional half, or null
   */
  public record Guided(double[] prediction, double[] varianceValues) {}
}
