package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.image.RgbImage;

/**
 * Masks as users paint them: light pixels (luma ≥ 128) mark the region to repaint, dark pixels the region to keep.
 * Masks of any size are sampled by nearest neighbour at the pack's image size.
 */
final class Masks {

  private Masks() {}

  /** Row-major, true = keep, at size × size. */
  static boolean[] keepMask(RgbImage mask, int size) {
    boolean[] keep = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      int sy = Math.min(mask.height() - 1, (int) ((y + 0.5) * mask.height() / size));
      for (int x = 0; x < size; x++) {
        int sx = Math.min(mask.width() - 1, (int) ((x + 0.5) * mask.width() / size));
        int luma = (299 * mask.get(sx, sy, 0) + 587 * mask.get(sx, sy, 1) + 114 * mask.get(sx, sy, 2)) / 1000;
        keep[y * size + x] = luma < 128;
      }
    }
    return keep;
  }
}
