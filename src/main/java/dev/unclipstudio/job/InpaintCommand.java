package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.glide.KeepMask;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageSize;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.RgbImage;
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
    if (maskPng != null) {
      String problem = maskProblem(maskPng);
      if (problem != null) {
        problems.add("mask", problem);
      }
    }
  }

  /**
   * Whether the (already accepted) mask marks nothing to repaint, read by the engine's one rule for
   * painted masks: such a job would only copy its source. Decoded under the uploads' gate, so that
   * many large masks at once stay within the heap; null when the mask is fine.
   */
  private static String maskProblem(byte[] acceptedPng) {
    try {
      RgbImage mask = Uploads.decodeAccepted(acceptedPng);
      return KeepMask.fromPainted(mask, Math.min(mask.width(), 256)).keepsEverything()
          ? RequestRules.MASK_KEEPS_EVERYTHING
          : null;
    } catch (DecodeGate.BusyException e) {
      return e.getMessage(); // said like any other upload refused while the gate is busy
    } catch (InvalidImageException e) {
      return null; // our own re-encoded PNG: not reachable
    }
  }

  /** The mask must be its image's size: {@link RequestRules#maskSizeProblem}. */
  @Override
  public Map<String, String> checkAgainst(Map<Long, ImageSize> gallerySizes) {
    try {
      ImageSize image =
          sourceImageId != null
              ? gallerySizes.get(sourceImageId)
              : sourcePng == null ? null : ImageDecoder.size(sourcePng);
      if (image == null || maskPng == null) {
        return Map.of(); // a missing input was reported by check()
      }
      return RequestRules.maskSizeProblem(ImageDecoder.size(maskPng), image)
          .map(problem -> Map.of("mask", problem))
          .orElse(Map.of());
    } catch (InvalidImageException e) {
      return Map.of(); // our own re-encoded PNGs: not reachable
    }
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
