package dev.unclipstudio.pipeline.glide;

import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * A square keep mask (true = keep the source pixel) and its resampling between the full image size
 * and a model's resolution.
 */
public final class KeepMask {

  private final boolean[] keep;
  private final int size;

  public KeepMask(boolean[] keep, int size) {
    if (keep.length != size * size) {
      throw new IllegalArgumentException(
          "keep mask has " + keep.length + " values; expected " + size + "x" + size);
    }
    this.keep = keep.clone();
    this.size = size;
  }

  /**
   * The one rule for masks as people paint them, used by the studio and the command line alike:
   * light pixels (luma ≥ 128, ITU-R BT.601 weights) mark the region to repaint, dark pixels the
   * region to keep. A mask of another size is sampled at the centres of the target's pixels
   * (nearest neighbour), so it stays two-valued and a mask of the target size is taken as it is.
   */
  public static KeepMask fromPainted(RgbImage mask, int size) {
    boolean[] keep = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      int sy = Math.min(mask.height() - 1, (int) ((y + 0.5) * mask.height() / size));
      for (int x = 0; x < size; x++) {
        int sx = Math.min(mask.width() - 1, (int) ((x + 0.5) * mask.width() / size));
        int luma =
            (299 * mask.get(sx, sy, 0) + 587 * mask.get(sx, sy, 1) + 114 * mask.get(sx, sy, 2))
                / 1000;
        keep[y * size + x] = luma < 128;
      }
    }
    return new KeepMask(keep, size);
  }

  /** Whether no pixel is to be repainted. */
  public boolean keepsEverything() {
    for (boolean k : keep) {
      if (!k) {
        return false;
      }
    }
    return true;
  }

  public int size() {
    return size;
  }

  public boolean keeps(int x, int y) {
    return keep[y * size + x];
  }

  /**
   * The mask at a lower (or equal) resolution: a pixel is kept only if every full-size pixel it
   * covers is kept, so the model never treats a partly regenerated pixel as known. Pixel x covers
   * full-size columns [⌊x·F/S⌋, ⌈(x+1)·F/S⌉).
   */
  public KeepMask downsample(int target) {
    if (target == size) {
      return this;
    }
    boolean[] out = new boolean[target * target];
    for (int y = 0; y < target; y++) {
      int y0 = (int) ((long) y * size / target);
      int y1 = (int) (((long) (y + 1) * size + target - 1) / target);
      for (int x = 0; x < target; x++) {
        int x0 = (int) ((long) x * size / target);
        int x1 = (int) (((long) (x + 1) * size + target - 1) / target);
        boolean all = true;
        for (int yy = y0; yy < y1 && all; yy++) {
          for (int xx = x0; xx < x1 && all; xx++) {
            all = keep[yy * size + xx];
          }
        }
        out[y * target + x] = all;
      }
    }
    return new KeepMask(out, target);
  }

  /**
   * Nearest-neighbour upsampling (pixel replication for integer factors), as GLIDE builds m256 from
   * m64.
   */
  public KeepMask upsampleNearest(int target) {
    boolean[] out = new boolean[target * target];
    for (int y = 0; y < target; y++) {
      int sy = (int) ((long) y * size / target);
      for (int x = 0; x < target; x++) {
        out[y * target + x] = keep[sy * size + (int) ((long) x * size / target)];
      }
    }
    return new KeepMask(out, target);
  }

  /** [1, 1, S, S] of 1 (keep) and 0. */
  public FloatTensor toTensor() {
    float[] m = new float[keep.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = keep[i] ? 1f : 0f;
    }
    return FloatTensor.of(m, 1, 1, size, size);
  }
}
