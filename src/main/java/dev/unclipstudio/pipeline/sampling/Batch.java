package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.StepPlan;

/**
 * The images one pipeline call makes together and what they share: their noise (one stream per
 * image and stage) and the progress listener and cancellation of the request.
 *
 * @param size B images
 */
public record Batch(int size, NoiseSource noise, Progress.Factory progress) {

  public Batch {
    if (size < 1) {
      throw new IllegalArgumentException("a batch needs at least one image: " + size);
    }
  }

  /** The context every loop of the call shares, once the call knows the stages it will run. */
  public RequestContext start(StepPlan plan) {
    return new RequestContext(noise, progress.create(plan));
  }
}
