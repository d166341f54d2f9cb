package dev.unclipstudio.gallery;

import dev.unclipstudio.web.CreateFormLink;
import java.util.Map;

/**
 * One image as its page shows it, with what the viewer may do: {@code owner} is the owner's
 * username, {@code mayEdit} whether the viewer may change it, {@code sourceId} the image it was
 * made from, when the viewer may see that one too.
 */
public record ImageDetails(
    long id,
    long jobId,
    String prompt,
    int width,
    int height,
    Visibility visibility,
    Map<String, Object> params,
    String owner,
    boolean mayEdit,
    Long sourceId) {

  /** The prompt, or "Image #id" for images made without one. */
  public String caption() {
    return ImageText.caption(id, prompt);
  }

  /** What a screen reader says for the picture. */
  public String altText() {
    return ImageText.altText(id, prompt);
  }

  /**
   * The create page's address filled in to make this image again — prompt, seed (one image) and the
   * settings it was made with — for text-to-image results; just the prompt for others that have
   * one; null when there is nothing to reuse.
   */
  public String remakeLink() {
    if (prompt == null
        || prompt.isBlank()
        || !"TEXT_TO_IMAGE".equals(String.valueOf(params.get("kind")))) {
      return null;
    }
    return CreateFormLink.forPrompt(prompt)
        .pack(packName())
        .images(1)
        .seed(params.get("seed"))
        .priorSteps(params.get("prior_steps"))
        .priorGuidanceScale(params.get("prior_guidance_scale"))
        .decoderSteps(params.get("decoder_steps"))
        .decoderGuidanceScale(params.get("decoder_guidance_scale"))
        .toString();
  }

  /** The pack that made the image: its PNG text says "name version" (ImageMetadata). */
  private String packName() {
    Object pack = params.get("pack");
    if (pack == null) {
      return null;
    }
    String text = pack.toString();
    int space = text.lastIndexOf(' ');
    return space > 0 ? text.substring(0, space) : text;
  }

  /** The create page with this image's prompt, for new images of the same idea. */
  public String promptLink() {
    return prompt == null || prompt.isBlank() ? null : CreateFormLink.forPrompt(prompt).toString();
  }

  public boolean shared() {
    return visibility == Visibility.SHARED;
  }
}
