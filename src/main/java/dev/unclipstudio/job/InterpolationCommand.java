package dev.unclipstudio.job;

import java.util.List;
import java.util.Map;

/** Frames between two gallery images; one seed for all frames, random when null. */
public record InterpolationCommand(Long imageA, Long imageB, int frames, Long seed)
    implements JobCommand {

  @Override
  public JobKind kind() {
    return JobKind.INTERPOLATION;
  }

  @Override
  public void check(RequestProblems problems) {
    if (imageA == null || imageB == null) {
      problems.add("images", RequestRules.TWO_IMAGES);
    } else if (imageA.equals(imageB)) {
      problems.add("images", RequestRules.TWO_DIFFERENT_IMAGES);
    }
    problems.frames("frames", frames);
    problems.seed("seed", seed, 1); // one seed for every frame
  }

  /** Only asked once {@link #check} passed, so both ids are there. */
  @Override
  public List<Long> galleryImageIds() {
    return List.of(imageA, imageB);
  }

  @Override
  public Map<String, byte[]> inputs() {
    return Map.of();
  }

  @Override
  public JobParams toParams() {
    return JobParams.interpolation(imageA, imageB, frames, Seeds.from(seed, 1).get(0));
  }
}
