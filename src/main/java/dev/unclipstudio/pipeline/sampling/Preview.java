package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;

/** How a loop shows its current x0 to progress listeners. */
@FunctionalInterface
public interface Preview {

  /** For stages whose samples are not images (the prior). */
  Preview NONE = (x0, image) -> null;

  /** The preview of image {@code image} of {@code x0} [B, ...], or null. */
  RgbImage of(double[] x0, int image);

  /** Square RGB images of side {@code side} in [-1, 1]. */
  static Preview images(int side) {
    return (x0, image) -> {
      float[] one = new float[3 * side * side];
      int offset = image * one.length;
      for (int i = 0; i < one.length; i++) {
        one[i] = (float) x0[offset + i];
      }
      return ImageTensors.toImage(one, 0, side, side);
    };
  }
}
