package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;

/** How a loop shows its current x0 to progress listeners. */
@FunctionalInterface
public interface Preview {

  /** For stages whose samples are not images (the prior). */
  Preview NONE = x0 -> null;

  /** The preview of {@code x0} [B, ...], or null. */
  RgbImage of(double[] x0);

  /** The first of B square RGB images of side {@code side} in [-1, 1]. */
  static Preview firstImage(int side) {
    return x0 -> {
      float[] first = new float[3 * side * side];
      for (int i = 0; i < first.length; i++) {
        first[i] = (float) x0[i];
      }
      return ImageTensors.toImage(first, 0, side, side);
    };
  }
}
