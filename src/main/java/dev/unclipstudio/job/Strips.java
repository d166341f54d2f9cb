package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.List;
import java.util.Map;

/**
 * Frames side by side in one PNG, left to right in their order: an interpolation as one download.
 */
final class Strips {

  private Strips() {}

  static byte[] horizontal(List<byte[]> pngs, Map<String, String> text) {
    if (pngs.isEmpty()) {
      throw new IllegalArgumentException("no frames");
    }
    RgbImage[] frames = new RgbImage[pngs.size()];
    int width = 0;
    int height = 0;
    for (int i = 0; i < frames.length; i++) {
      try {
        frames[i] = ImageDecoder.decode(pngs.get(i), ImageLimits.defaults());
      } catch (InvalidImageException e) {
        throw new IllegalStateException("A stored frame cannot be read", e);
      }
      width += frames[i].width();
      height = Math.max(height, frames[i].height());
    }
    byte[] rgb = new byte[width * height * 3];
    int left = 0;
    for (RgbImage frame : frames) {
      for (int y = 0; y < frame.height(); y++) {
        System.arraycopy(
            frame.rgb(), y * frame.width() * 3, rgb, (y * width + left) * 3, frame.width() * 3);
      }
      left += frame.width();
    }
    return PngCodec.encode(new RgbImage(width, height, rgb), text);
  }
}
