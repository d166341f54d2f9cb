package dev.unclipstudio.pipeline.glide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeepMaskTest {

  @Test
  void aBasePixelIsKeptOnlyIfEveryFullSizePixelItCoversIsKept() {
    boolean[] full = new boolean[16];
    java.util.Arrays.fill(full, true);
    full[1 * 4 + 2] = false; // one regenerated pixel in the top-right 2x2 block
    KeepMask base = new KeepMask(full, 4).downsample(2);
    assertTrue(base.keeps(0, 0));
    assertFalse(base.keeps(1, 0));
    assertTrue(base.keeps(0, 1));
    assertTrue(base.keeps(1, 1));
  }

  @Test
  void nonIntegerFactorsCoverEveryOverlappedPixel() {
    boolean[] full = new boolean[25];
    java.util.Arrays.fill(full, true);
    full[2 * 5 + 2] = false; // centre pixel of 5x5 overlaps all four pixels of a 2x2 grid
    KeepMask base = new KeepMask(full, 5).downsample(2);
    assertArrayEquals(new float[] {0, 0, 0, 0}, base.toTensor().data());
  }

  @Test
  void nearestUpsamplingReplicatesPixels() {
    KeepMask up = new KeepMask(new boolean[] {true, false, false, true}, 2).upsampleNearest(4);
    assertTrue(up.keeps(1, 1));
    assertFalse(up.keeps(2, 1));
    assertTrue(up.keeps(3, 3));
    assertArrayEquals(
        new KeepMask(new boolean[] {true, false, false, true}, 2).toTensor().data(),
        up.downsample(2).toTensor().data());
  }
}
