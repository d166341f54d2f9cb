package dev.unclipstudio.gallery;

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

  public boolean shared() {
    return visibility == Visibility.SHARED;
  }
}
