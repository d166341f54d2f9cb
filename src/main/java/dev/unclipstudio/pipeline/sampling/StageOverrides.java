package dev.unclipstudio.pipeline.sampling;

/**
 * What a request sets for one stage; null means the pack's default for that stage.
 *
 * @param steps sampling steps, at least 1
 * @param guidanceScale classifier-free guidance scale
 */
public record StageOverrides(Integer steps, Double guidanceScale) {

  /** Every setting from the pack. */
  public static final StageOverrides DEFAULTS = new StageOverrides(null, null);

  public StageOverrides {
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1: " + steps);
    }
  }
}
