package dev.unclipstudio.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the user asked for, stored as the job's {@code params} (jsonb). Null step and guidance values mean the
 * pack's defaults; one seed per image, so every image can be made again alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobParams(
    String prompt,
    List<Long> seeds,
    Integer priorSteps,
    Double priorGuidanceScale,
    Integer decoderSteps,
    Double decoderGuidanceScale,
    List<Long> sourceImageIds,
    Integer frames) {

  public static JobParams textToImage(
      String prompt, List<Long> seeds, Integer priorSteps, Double priorGuidanceScale, Integer decoderSteps,
      Double decoderGuidanceScale) {
    return new JobParams(prompt, seeds, priorSteps, priorGuidanceScale, decoderSteps, decoderGuidanceScale, null, null);
  }

  public int imageCount() {
    return seeds.size();
  }
}
