package dev.unclipstudio.pipeline.schedule;

/**
 * Rewrites the predicted x0 in place before it is clipped (GLIDE's {@code denoised_fn}); used by
 * inpainting to re-insert the known region at every step.
 */
@FunctionalInterface
public interface DenoisedHook {

  DenoisedHook NONE = x0 -> {};

  void apply(double[] predOriginalSample);
}
