package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;

/** One network evaluation inside a loop: x_t of B images → the guided prediction for those B images. */
@FunctionalInterface
public interface Denoiser {

  /**
   * @param sample [B, ...] x_t
   * @param step position in sampling order (0 = noisiest)
   * @param timestep the original timestep fed to the network
   */
  ClassifierFreeGuidance.Guided predict(double[] sample, int step, int timestep);
}
