package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Uploaded images, accepted by content and never by name: the format is sniffed, the dimensions are
 * read from the header before any pixel is decoded (so decompression bombs are refused cheaply),
 * and what is kept is a fresh PNG re-encoded from the pixels — nothing of the uploaded file
 * survives. Decoding holds a permit of a {@link DecodeGate} sized from the heap, so concurrent
 * maximum-size uploads wait their turn instead of running the JVM out of memory.
 */
public final class Uploads {

  private static final Logger LOG = Logger.getLogger(Uploads.class);

  /** 10 MB, 4096 px a side, 16 megapixels. */
  static final ImageLimits LIMITS = new ImageLimits(10L * 1024 * 1024, 4096, 16L * 1024 * 1024);

  private static final DecodeGate GATE =
      DecodeGate.forHeap(Runtime.getRuntime().maxMemory(), LIMITS.maxPixels());

  private Uploads() {}

  /**
   * The re-encoded PNG of an uploaded image; a clear message for the form when it is not
   * acceptable. {@code what} names the missing file as the form asks for it: "an image to repaint"
   * gives "Choose an image to repaint."
   */
  public static byte[] acceptImage(FileUpload upload, String what) throws InvalidImageException {
    if (upload == null || upload.size() == 0) {
      throw new InvalidImageException("Choose " + what + ".");
    }
    if (upload.size() > LIMITS.maxBytes()) {
      throw new InvalidImageException(
          "This file is %d MB; the most is %d MB."
              .formatted(upload.size() / (1024 * 1024), LIMITS.maxBytes() / (1024 * 1024)));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(upload.uploadedFile());
    } catch (IOException e) {
      throw new InvalidImageException("This file could not be read.");
    }
    return acceptImage(bytes, what);
  }

  /** The same for image bytes sent inside a JSON request (base64). */
  public static byte[] acceptImage(byte[] bytes, String what) throws InvalidImageException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidImageException("Send " + what + ".");
    }
    try {
      return GATE.run(() -> PngCodec.encode(ImageDecoder.decode(bytes, LIMITS), Map.of()));
    } catch (DecodeGate.BusyException e) {
      throw new InvalidImageException(e.getMessage());
    } catch (OutOfMemoryError e) {
      // The gate bounds the decodes, not the request bodies waiting beside them (a small heap with
      // many maximum-size JSON uploads at once): this upload's own buffers are what failed, so it
      // is refused like a busy gate and the memory is free again for the others. Logged: the gate
      // is sized to prevent this, so each one means the heap is too small for the uploads.
      LOG.warnf("Out of memory while decoding an upload; refused as busy: %s", e.toString());
      throw new InvalidImageException(new DecodeGate.BusyException().getMessage());
    } catch (InvalidImageException e) {
      throw new InvalidImageException(sentence(e.getMessage()));
    }
  }

  /** Decodes an upload accepted earlier (our own PNG), under the same gate as its acceptance. */
  static RgbImage decodeAccepted(byte[] png)
      throws InvalidImageException, DecodeGate.BusyException {
    try {
      return GATE.run(() -> ImageDecoder.decode(png, LIMITS));
    } catch (OutOfMemoryError e) {
      LOG.warnf(
          "Out of memory while decoding an accepted upload; refused as busy: %s", e.toString());
      throw new DecodeGate.BusyException();
    }
  }

  /**
   * The decoder's terse reasons as the forms' other messages read: "Unsupported image format: …."
   */
  static String sentence(String reason) {
    String s = reason.strip();
    if (s.isEmpty()) {
      return "This file is not an image we can read.";
    }
    s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
    return s.endsWith(".") ? s : s + ".";
  }
}
