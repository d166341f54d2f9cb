package dev.unclipstudio.pipeline.image;

/**
 * What an upload may be, checked before any pixel is decoded.
 *
 * @param maxBytes size of the encoded file
 * @param maxDimension width and height each
 * @param maxPixels width × height
 */
public record ImageLimits(long maxBytes, int maxDimension, long maxPixels) {

  public ImageLimits {
    if (maxBytes <= 0 || maxDimension <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException("image limits must be positive");
    }
  }

  /** 20 MB, 8192 px a side, 40 megapixels. */
  public static ImageLimits defaults() {
    return new ImageLimits(20L * 1024 * 1024, 8192, 40_000_000L);
  }
}
