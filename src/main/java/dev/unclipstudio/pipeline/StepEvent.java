package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.function.Supplier;

/**
 * Progress after one sampler step.
 *
 * @param stage the stage the step belongs to
 * @param step 1-based step within the stage
 * @param stageSteps steps in the stage
 * @param overallStep 1-based step over the whole request
 * @param plan the stages of the whole request and their steps
 * @param preview the predicted x0 of the request's first image, computed only when called, and only
 *     during the listener's call (the loop reuses its buffers); returns null for the prior
 */
public record StepEvent(
    Stage stage,
    int step,
    int stageSteps,
    int overallStep,
    StepPlan plan,
    Supplier<RgbImage> preview) {

  /** Steps of the whole request. */
  public int overallSteps() {
    return plan.totalSteps();
  }
}
