package dev.unclipstudio.pipeline.guidance;

/**
 * How a network's output channels split into the guided prediction (ε or x0) and learned variance
 * values, which are taken from the conditional half unguided.
 *
 * @param total channels per output row
 * @param guided the leading channels that guidance combines
 */
public record OutputChannels(int total, int guided) {

  /** One prediction, no variance: the prior's x0 [N, C] (its C values form one channel). */
  public static final OutputChannels PREDICTION_ONLY = new OutputChannels(1, 1);

  /**
   * ε of an RGB image, then its three variance channels (the decoder and GLIDE UNets: [N, 6, S,
   * S]).
   */
  public static final OutputChannels RGB_EPSILON_AND_VARIANCE = new OutputChannels(6, 3);

  public OutputChannels {
    if (guided < 1 || guided > total) {
      throw new IllegalArgumentException("guided channels " + guided + " of " + total);
    }
  }
}
