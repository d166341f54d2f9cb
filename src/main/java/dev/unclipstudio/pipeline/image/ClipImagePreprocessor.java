package dev.unclipstudio.pipeline.image;

import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * CLIP image preprocessing (spec §5.1, the {@code CLIPImageProcessor} steps): /255, shortest side →
 * image size with antialiased bicubic on the float values (as the tiny pack's PyTorch reference
 * does; PIL would round to 8 bits in between), centre crop, per-channel mean/std, NCHW.
 */
public final class ClipImagePreprocessor {

  private final int imageSize;
  private final float[] mean;
  private final float[] std;

  public ClipImagePreprocessor(int imageSize, float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values");
    }
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
    int newW = w <= h ? imageSize : newLong;
    int newH = w <= h ? newLong : imageSize;
    float[] planes = new float[3 * w * h]; // [3, H, W] in [0, 1]
    for (int p = 0; p < w * h; p++) {
      for (int c = 0; c < 3; c++) {
        planes[c * w * h + p] = (image.rgb()[p * 3 + c] & 0xFF) / 255f;
      }
    }
    float[] resized = BicubicResize.resizePlanes(planes, 3, h, w, newH, newW); // [3, newH, newW]
    int top = (newH - imageSize) / 2;
    int left = (newW - imageSize) / 2;
    int hw = imageSize * imageSize;
    float[] out = new float[3 * hw];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < imageSize; y++) {
        for (int x = 0; x < imageSize; x++) {
          float v = resized[(c * newH + top + y) * newW + left + x];
          out[c * hw + y * imageSize + x] = (v - mean[c]) / std[c];
        }
      }
    }
    return FloatTensor.of(out, 1, 3, imageSize, imageSize);
  }
}
