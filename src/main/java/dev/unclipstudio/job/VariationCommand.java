package dev.unclipstudio.job;

import java.util.List;
import java.util.Map;

/**
 * Variations of a gallery image (by id) or of an uploaded one (its accepted PNG): exactly one of
 * the two is set. Null numbers mean the pack's defaults.
 */
public record VariationCommand(
    Long sourceImageId,
    byte[] sourcePng,
    int images,
    Integer decoderSteps,
    Double decoderGuidanceScale)
    implements JobCommand {

  public static VariationCommand ofGalleryImage(
      long id, int images, Integer decoderSteps, Double decoderGuidanceScale) {
    return new VariationCommand(id, null, images, decoderSteps, decoderGuidanceScale);
  }

  public static VariationCommand ofUpload(byte[] png, int images) {
    return new VariationCommand(null, png, images, null, null);
  }

  @Override
  public JobKind kind() {
    return JobKind.VARIATION;
  }

  @Override
  public void check(RequestProblems problems) {
    problems.images("images", images);
    problems.steps("decoderSteps", decoderSteps);
    problems.guidance("decoderGuidanceScale", decoderGuidanceScale);
  }

  @Override
  public List<Long> galleryImageIds() {
    return sourceImageId == null ? List.of() : List.of(sourceImageId);
  }

  @Override
  public Map<String, byte[]> inputs() {
    return sourcePng == null ? Map.of() : Map.of("source", sourcePng);
  }

  @Override
  public JobParams toParams() {
    return JobParams.variation(
        sourceImageId, Seeds.from(null, images), decoderSteps, decoderGuidanceScale);
  }
}
