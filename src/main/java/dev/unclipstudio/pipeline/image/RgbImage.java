package dev.unclipstudio.pipeline.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/** An 8-bit RGB image, pixels interleaved row by row ({@code rgb[(y·width + x)·3 + c]}). */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("empty image " + width + "x" + height);
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected "
              + width * height * 3
              + " bytes for "
              + width
              + "x"
              + height
              + ", got "
              + rgb.length);
    }
  }

  /** Channel c of pixel (x, y) as 0..255. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }

  public BufferedImage toBufferedImage() {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        out.setRGB(x, y, (get(x, y, 0) << 16) | (get(x, y, 1) << 8) | get(x, y, 2));
      }
    }
    return out;
  }

  /** Drops alpha (composited over white so transparent uploads do not turn black). */
  public static RgbImage fromBufferedImage(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgb = new byte[w * h * 3];
    boolean alpha = image.getColorModel().hasAlpha();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int a = alpha ? (argb >>> 24) : 255;
        for (int c = 0; c < 3; c++) {
          int v = (argb >> (16 - 8 * c)) & 0xFF;
          if (a < 255) {
            v = (v * a + 255 * (255 - a) + 127) / 255;
          }
          rgb[(y * w + x) * 3 + c] = (byte) v;
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage other
        && other.width == width
        && other.height == height
        && Arrays.equals(other.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
