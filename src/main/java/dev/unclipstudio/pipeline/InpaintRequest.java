package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.util.List;

/**
 * Regenerate part of an image from a prompt.
 *
 * @param source any size; resized to the pack's image size
 * @param paintedMask any size; white (light) = repaint, black (dark) = keep, read by {@code
 *     KeepMask.fromPainted}
 * @param base steps and guidance of the base inpainting stage
 */
public record InpaintRequest(
    RgbImage source, RgbImage paintedMask, String prompt, List<Long> seeds, StageOverrides base) {

  public InpaintRequest {
    if (source == null || paintedMask == null) {
      throw new IllegalArgumentException("a source image and a mask are needed");
    }
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
    }
    seeds = RequestChecks.seeds(seeds);
    base = base == null ? StageOverrides.DEFAULTS : base;
  }
}
