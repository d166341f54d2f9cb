package dev.unclipstudio.gallery;

/** One image in the gallery grid: enough for its thumbnail, link and caption. */
public record ImageCard(long id, String prompt) {

  static ImageCard of(Image image) {
    return new ImageCard(image.id, image.prompt);
  }
}
