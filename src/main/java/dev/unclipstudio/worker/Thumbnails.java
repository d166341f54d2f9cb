package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Map;

/** Small PNGs for lists: images up to {@code MAX} pixels wide are their own thumbnail. */
final class Thumbnails {

  private static final int MAX = 256;

  byte[] of(RgbImage image) {
    if (image.width() <= MAX && image.height() <= MAX) {
      return PngCodec.encode(image, Map.of());
    }
    int longest = Math.max(image.width(), image.height());
    int w = Math.max(1, image.width() * MAX / longest);
    int h = Math.max(1, image.height() * MAX / longest);
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(image.toBufferedImage(), 0, 0, w, h, null);
    g.dispose();
    return PngCodec.encode(RgbImage.fromBufferedImage(small), Map.of());
  }
}
