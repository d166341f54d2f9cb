package dev.unclipstudio.pipeline.image;

/** An image's width and height in pixels. */
public record ImageSize(int width, int height) {

  public static ImageSize of(RgbImage image) {
    return new ImageSize(image.width(), image.height());
  }

  /** As people read it: "256 × 256 px". */
  @Override
  public String toString() {
    return width + " × " + height + " px";
  }
}
