package dev.unclipstudio.pipeline.image;

import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * CLIP image preprocessing as {@code CLIPImageProcessor} / OpenAI CLIP do it (spec §5.1): shortest side → image size
 * (PIL bicubic), centre crop, /255, per-channel mean/std, NCHW.
 */
public final class ClipImagePreprocessor {

  private final int imageSize;
  private final float[] mean;
  private final float[] std;

  public ClipImagePreprocessor(int imageSize, float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values");
    this.imageSize = imageSize;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** [1, 3, S, S] normalised pixels. */
  public FloatTensor preprocess(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int shortSide = Math.min(w, h);
    int longSide = Math.max(w, h);
    int newLong = (int) ((long) imageSize * longSide / shortSide); // int(size · long / short)
    RgbImage resized = w <= h
        ? BicubicResize.resize(image, imageSize, newLong)
        : BicubicResize.resize(image, newLong, imageSize);
    int top = (resized.height() - imageSize) / 2;
    int left = (resized.width() - imageSize) / 2;
    int hw = imageSize * imageSize;
    float[] out = new float[3 * hw];
    for (int y = 0; y < imageSize; y++) {
      for (int x = 0; x < imageSize; x++) {
        for (int c = 0; c < 3; c++) {
          float v = resized.get(left + x, top + y, c) / 255f;
          out[c * hw + y * imageSize + x] = (v - mean[c]) / std[c];
        }
      }
    }
    return FloatTensor.of(out, 1, 3, imageSize, imageSize);
  }
}
