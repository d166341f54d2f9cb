package dev.unclipstudio.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the user asked for, stored as the job's {@code params} (jsonb). Null step and guidance
 * values mean the pack's defaults; one seed per image, so every image can be made again alone.
 * Image inputs (an uploaded source, a mask) are stored beside the job in {@code job_input}; gallery
 * sources are named by id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Stored rows are read leniently; API input is strict (quarkus.jackson.fail-on-unknown-properties).
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobParams(
    String prompt,
    List<Long> seeds,
    Integer priorSteps,
    Double priorGuidanceScale,
    Integer decoderSteps,
    Double decoderGuidanceScale,
    Integer inpaintSteps,
    Double inpaintGuidanceScale,
    List<Long> sourceImageIds,
    Integer frames) {

  public static JobParams textToImage(
      String prompt,
      List<Long> seeds,
      Integer priorSteps,
      Double priorGuidanceScale,
      Integer decoderSteps,
      Double decoderGuidanceScale) {
    return new JobParams(
        prompt,
        seeds,
        priorSteps,
        priorGuidanceScale,
        decoderSteps,
        decoderGuidanceScale,
        null,
        null,
        null,
        null);
  }

  /** Variations of a gallery image (or, with no id, of the uploaded input "source"). */
  public static JobParams variation(
      Long sourceImageId, List<Long> seeds, Integer decoderSteps, Double decoderGuidanceScale) {
    return new JobParams(
        null,
        seeds,
        null,
        null,
        decoderSteps,
        decoderGuidanceScale,
        null,
        null,
        sourceImageId == null ? null : List.of(sourceImageId),
        null);
  }

  /** Frames between two gallery images; every frame shares the one seed's decoder noise. */
  public static JobParams interpolation(long imageA, long imageB, int frames, long seed) {
    return new JobParams(
        null, List.of(seed), null, null, null, null, null, null, List.of(imageA, imageB), frames);
  }

  /** Inpainting: the inputs "source" (unless a gallery id is given) and "mask". */
  public static JobParams inpaint(
      String prompt, Long sourceImageId, List<Long> seeds, Integer steps, Double guidanceScale) {
    return new JobParams(
        prompt,
        seeds,
        null,
        null,
        null,
        null,
        steps,
        guidanceScale,
        sourceImageId == null ? null : List.of(sourceImageId),
        null);
  }

  /** Images the job makes: one per seed, or one per frame. */
  public int imageCount() {
    return frames != null ? frames : seeds.size();
  }

  public Long sourceImageId() {
    return sourceImageIds == null || sourceImageIds.isEmpty() ? null : sourceImageIds.get(0);
  }
}
