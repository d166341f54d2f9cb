package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance.Guided;

/**
 * One network evaluation inside a loop: x_t of B images → the guided prediction for those B images.
 */
@FunctionalInterface
public interface Denoiser {

  /**
   * @param sample [B, ...] x_t
   * @param step position in sampling order (0 = noisiest)
   * @param timestep the original timestep fed to the network
   * @param into the loop's buffers for the guided prediction, overwritten by every step
   */
  void predict(double[] sample, int step, int timestep, Guided into);
}
