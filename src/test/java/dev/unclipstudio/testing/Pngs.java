package dev.unclipstudio.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Images for tests that need image bytes but not a model: good ones, and the bad kinds uploads must
 * refuse.
 */
public final class Pngs {

  private Pngs() {}

  public static byte[] onePixel() {
    return solid(1, 1, 0xff0000);
  }

  public static byte[] solid(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return encode(image);
  }

  /** White (repaint) where x < width / 2, black (keep) elsewhere. */
  public static byte[] leftHalfMask(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width / 2; x++) {
        image.setRGB(x, y, 0xffffff);
      }
    }
    return encode(image);
  }

  /**
   * A valid small PNG whose header claims other dimensions: what a decompression bomb looks like up
   * front.
   */
  public static byte[] claimingDimensions(int width, int height) {
    byte[] png = onePixel();
    ByteBuffer buffer = ByteBuffer.wrap(png);
    // Signature (8) + IHDR length (4) + "IHDR" (4) = 16: width and height follow, then 5 bytes,
    // then the CRC.
    buffer.putInt(16, width);
    buffer.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    buffer.putInt(29, (int) crc.getValue());
    return png;
  }

  private static byte[] encode(BufferedImage image) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
