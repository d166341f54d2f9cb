package dev.unclipstudio.pipeline.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted uploads: the format is recognised by its magic bytes (PNG or JPEG only), the
 * dimensions are read from the header and checked against the limits before any pixel is decoded,
 * so a small file declaring a huge image (a decompression bomb) is rejected cheaply.
 */
public final class ImageDecoder {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  private ImageDecoder() {}

  public static RgbImage decode(byte[] data, ImageLimits limits) throws InvalidImageException {
    if (data == null || data.length == 0) {
      throw new InvalidImageException("the image is empty");
    }
    if (data.length > limits.maxBytes()) {
      throw new InvalidImageException(
          "the image is " + data.length + " bytes; the limit is " + limits.maxBytes());
    }
    String format =
        startsWith(data, PNG_MAGIC) ? "png" : startsWith(data, JPEG_MAGIC) ? "jpeg" : null;
    if (format == null) {
      throw new InvalidImageException("unsupported image format: only PNG and JPEG are accepted");
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new InvalidImageException("no " + format.toUpperCase() + " decoder available");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      checkDimensions(width, height, limits);
      BufferedImage image = reader.read(0);
      if (image == null) {
        throw new InvalidImageException("the " + format.toUpperCase() + " file has no image");
      }
      return RgbImage.fromBufferedImage(image);
    } catch (InvalidImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidImageException(
          "the " + format.toUpperCase() + " file is corrupt or truncated", e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The size a PNG or JPEG declares in its header, read without decoding a pixel: for images that
   * were accepted already, whose size a rule compares.
   */
  public static ImageSize size(byte[] data) throws InvalidImageException {
    String format =
        startsWith(data, PNG_MAGIC) ? "png" : startsWith(data, JPEG_MAGIC) ? "jpeg" : null;
    Iterator<ImageReader> readers =
        format == null ? null : ImageIO.getImageReadersByFormatName(format);
    if (readers == null || !readers.hasNext()) {
      throw new InvalidImageException("unsupported image format: only PNG and JPEG are accepted");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      return new ImageSize(reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      throw new InvalidImageException("the image's header is corrupt or truncated", e);
    } finally {
      reader.dispose();
    }
  }

  private static void checkDimensions(int width, int height, ImageLimits limits)
      throws InvalidImageException {
    if (width <= 0 || height <= 0) {
      throw new InvalidImageException("the image has no pixels");
    }
    if (width > limits.maxDimension() || height > limits.maxDimension()) {
      throw new InvalidImageException(
          "the image is "
              + width
              + "x"
              + height
              + "; each side may be at most "
              + limits.maxDimension()
              + " pixels");
    }
    if ((long) width * height > limits.maxPixels()) {
      throw new InvalidImageException(
          "the image is "
              + width
              + "x"
              + height
              + " ("
              + (long) width * height
              + " pixels); the limit is "
              + limits.maxPixels()
              + " pixels");
    }
  }

  private static boolean startsWith(byte[] data, byte[] magic) {
    if (data.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (data[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
