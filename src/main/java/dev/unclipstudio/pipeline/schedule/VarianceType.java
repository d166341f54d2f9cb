package dev.unclipstudio.pipeline.schedule;

/** How the variance of each ancestral step is chosen. */
public enum VarianceType {
  /** The clipped log posterior variance (prior, super-res). */
  FIXED_SMALL_LOG,
  /**
   * Interpolated in log space between the posterior variance and β by the network's extra channels
   * v ∈ [−1, 1].
   */
  LEARNED_RANGE;

  public static VarianceType named(String name) {
    return switch (name) {
      case "fixed_small_log", "fixed_small" -> FIXED_SMALL_LOG;
      case "learned_range" -> LEARNED_RANGE;
      default ->
          throw new IllegalArgumentException(
              "unknown variance_type: " + name + " (fixed_small_log | learned_range)");
    };
  }
}
