package dev.unclipstudio.gallery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
    if (prompt == null || prompt.isBlank()) {
      return null;
    }
    if (!"TEXT_TO_IMAGE".equals(String.valueOf(params.get("kind")))) {
      return null;
    }
    StringBuilder link = new StringBuilder(promptLink()).append("&images=1");
    append(link, "seed", "seed");
    append(link, "priorSteps", "prior_steps");
    append(link, "priorGuidanceScale", "prior_guidance_scale");
    append(link, "decoderSteps", "decoder_steps");
    append(link, "decoderGuidanceScale", "decoder_guidance_scale");
    return link.toString();
  }

  /** The create page with this image's prompt, for new images of the same idea. */
  public String promptLink() {
    return prompt == null || prompt.isBlank() ? null : "/?prompt=" + encode(prompt);
  }

  private void append(StringBuilder link, String field, String key) {
    Object value = params.get(key);
    if (value != null) {
      link.append('&').append(field).append('=').append(encode(value.toString()));
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  public boolean shared() {
    return visibility == Visibility.SHARED;
  }
}
