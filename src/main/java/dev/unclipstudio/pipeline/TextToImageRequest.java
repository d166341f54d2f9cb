package dev.unclipstudio.pipeline;

import java.util.List;

/** Text → image; null numbers mean the pack's defaults; one image per seed. */
public record TextToImageRequest(String prompt, List<Long> seeds, Integer priorSteps, Double priorGuidanceScale,
    Integer decoderSteps, Double decoderGuidanceScale) {

  public TextToImageRequest {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
    }
    seeds = RequestChecks.seeds(seeds);
    RequestChecks.steps("priorSteps", priorSteps);
    RequestChecks.steps("decoderSteps", decoderSteps);
  }
}
