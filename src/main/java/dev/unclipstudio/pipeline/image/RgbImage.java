package dev.unclipstudio.pipeline.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
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

  /**
   * A view of these pixels as a BufferedImage (3-byte sRGB raster over the same array, no copy):
   * encoding a 4096² upload must not need another 64 MB int raster beside its bytes. Read it only.
   */
  public BufferedImage toBufferedImage() {
    DataBufferByte buffer = new DataBufferByte(rgb, rgb.length);
    WritableRaster raster =
        Raster.createInterleavedRaster(
            buffer, width, height, width * 3, 3, new int[] {0, 1, 2}, null);
    ColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    return new BufferedImage(model, raster, false, null);
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
