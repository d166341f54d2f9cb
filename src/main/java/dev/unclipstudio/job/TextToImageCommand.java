package dev.unclipstudio.job;

import dev.unclipstudio.web.Forms;
import java.util.List;
import java.util.Map;

/** Text → image. Null numbers mean the pack's defaults; a null seed a random one. */
public record TextToImageCommand(
    String prompt,
    int images,
    Long seed,
    Integer priorSteps,
    Double priorGuidanceScale,
    Integer decoderSteps,
    Double decoderGuidanceScale)
    implements JobCommand {

  public TextToImageCommand {
    prompt = Forms.normalizeText(prompt);
  }

  @Override
  public JobKind kind() {
    return JobKind.TEXT_TO_IMAGE;
  }

  @Override
  public void check(RequestProblems problems) {
    problems.prompt("prompt", prompt);
    problems.images("images", images);
    problems.seed("seed", seed, images);
    problems.steps("priorSteps", priorSteps);
    problems.guidance("priorGuidanceScale", priorGuidanceScale);
    problems.steps("decoderSteps", decoderSteps);
    problems.guidance("decoderGuidanceScale", decoderGuidanceScale);
  }

  @Override
  public List<Long> galleryImageIds() {
    return List.of();
  }

  @Override
  public Map<String, byte[]> inputs() {
    return Map.of();
  }

  @Override
  public JobParams toParams() {
    return JobParams.textToImage(
        prompt,
        Seeds.from(seed, images),
        priorSteps,
        priorGuidanceScale,
        decoderSteps,
        decoderGuidanceScale);
  }
}
