package dev.unclipstudio.gallery;

/** How an image is named to people: one rule for page titles, headings, captions and alt text. */
final class ImageText {

  private ImageText() {}

  static String caption(long id, String prompt) {
    return prompt == null || prompt.isBlank() ? "Image #" + id : prompt;
  }

  static String altText(long id, String prompt) {
    return prompt == null || prompt.isBlank()
        ? "Image #" + id + ", made without a prompt"
        : "Image #" + id + ": " + prompt;
  }
}
