package dev.unclipstudio.job;

import dev.unclipstudio.web.Forms;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inpainting: a gallery image (by id) or an uploaded source (its accepted PNG), an accepted mask
 * PNG (light = repaint) and a prompt. Null steps and guidance mean the pack's defaults.
 */
public record InpaintCommand(
    Long sourceImageId,
    byte[] sourcePng,
    byte[] maskPng,
    String prompt,
    int images,
    Integer steps,
    Double guidanceScale)
    implements JobCommand {

  public InpaintCommand {
    prompt = Forms.normalizeText(prompt);
  }

  @Override
  public JobKind kind() {
    return JobKind.INPAINT;
  }

  @Override
  public void check(RequestProblems problems) {
    problems.prompt("prompt", prompt);
    problems.images("images", images);
    problems.steps("steps", steps);
    problems.guidance("guidanceScale", guidanceScale);
  }

  @Override
  public List<Long> galleryImageIds() {
    return sourceImageId == null ? List.of() : List.of(sourceImageId);
  }

  @Override
  public Map<String, byte[]> inputs() {
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    if (sourcePng != null) {
      inputs.put("source", sourcePng);
    }
    if (maskPng != null) {
      inputs.put("mask", maskPng);
    }
    return inputs;
  }

  @Override
  public JobParams toParams() {
    return JobParams.inpaint(prompt, sourceImageId, Seeds.from(null, images), steps, guidanceScale);
  }
}
