package dev.unclipstudio.pipeline.schedule;

/**
 * Everything a stage's scheduler needs (one pack.json {@code scheduler} block).
 *
 * @param clipSampleRange predicted x0 is clamped to ±this
 * @param respacing default respacing, e.g. "25" or "fast27"
 */
public record DiffusionConfig(
    BetaSchedule betaSchedule,
    int numTrainTimesteps,
    PredictionType predictionType,
    VarianceType varianceType,
    double clipSampleRange,
    String respacing) {

  /** The same configuration with {@code steps} evenly respaced steps (or the default when null). */
  public DiffusionConfig withSteps(Integer steps) {
    if (steps == null) {
      return this;
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1: " + steps);
    }
    return new DiffusionConfig(
        betaSchedule,
        numTrainTimesteps,
        predictionType,
        varianceType,
        clipSampleRange,
        Integer.toString(steps));
  }
}
