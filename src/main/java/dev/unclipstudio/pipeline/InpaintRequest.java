package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.List;

/**
 * Regenerate the unkept part of an image from a prompt.
 *
 * @param source any size; resized to the pack's image size
 * @param keepMask at the pack's image size, row-major, true = keep
 */
public record InpaintRequest(RgbImage source, boolean[] keepMask, String prompt, List<Long> seeds, Integer steps,
    Double guidanceScale) {

  public InpaintRequest {
    if (source == null || keepMask == null) {
      throw new IllegalArgumentException("source and keep mask are needed");
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
    }
    seeds = RequestChecks.seeds(seeds);
    RequestChecks.steps("steps", steps);
  }
}
