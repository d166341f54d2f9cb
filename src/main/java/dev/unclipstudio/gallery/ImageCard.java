package dev.unclipstudio.gallery;

/** One image in a grid or form: enough for its thumbnail, link, caption and sharing badge. */
public record ImageCard(long id, String prompt, Visibility visibility) {

  public static ImageCard of(Image image) {
    return new ImageCard(image.id, image.prompt, image.visibility);
  }

  /** The prompt, or "Image #id" for images made without one (variations, interpolations). */
  public String caption() {
    return ImageText.caption(id, prompt);
  }

  /** What a screen reader says for the thumbnail. */
  public String altText() {
    return ImageText.altText(id, prompt);
  }

  public boolean shared() {
    return visibility == Visibility.SHARED;
  }
}
