package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.util.List;

/** Text → image; one image per seed; null settings mean the pack's defaults. */
public record TextToImageRequest(
    String prompt, List<Long> seeds, StageOverrides prior, StageOverrides decoder) {

  public TextToImageRequest {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
    }
    seeds = RequestChecks.seeds(seeds);
    prior = prior == null ? StageOverrides.DEFAULTS : prior;
    decoder = decoder == null ? StageOverrides.DEFAULTS : decoder;
  }
}
