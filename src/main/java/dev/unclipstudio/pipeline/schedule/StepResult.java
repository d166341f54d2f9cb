package dev.unclipstudio.pipeline.schedule;

/**
 * Outcome of one sampler step.
 *
 * @param prevSample x_{t−1}
 * @param predOriginalSample the clipped x0 the step was based on (for previews)
 */
public record StepResult(double[] prevSample, double[] predOriginalSample) {}
