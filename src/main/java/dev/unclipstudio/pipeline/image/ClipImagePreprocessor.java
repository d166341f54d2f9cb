package dev.unclipstudio.pipeline.image;

import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Locale;

/**
 * CLIP image preprocessing (spec §5.1): the image brought to the encoder's size, /255, per-channel
 * mean/std, NCHW. How it is brought there is the pack's, because the originals differ: the tiny
 * pack's reference resizes the shortest side with antialiased bicubic on float values and crops the
 * centre; Karlo's variation sampler resizes both sides to 224 with PIL, which rounds to 8 bits
 * after each pass.
 */
public final class ClipImagePreprocessor {

  /** The resampling arithmetic. */
  public enum Resample {
    /** Antialiased bicubic on float values (PyTorch's interpolate). */
    FLOAT,
    /** PIL's 8-bit bicubic, byte for byte ({@link BicubicResize#resize}). */
    PIL;

    public static Resample named(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** What happens to the aspect ratio. */
  public enum Crop {
    /** Shortest side to the size, then the centre square (CLIP's own preprocessing). */
    CENTER,
    /** Both sides to the size (Karlo's i2i sampler). */
    NONE;

    public static Crop named(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  private final int imageSize;
  private final float[] mean;
  private final float[] std;
  private final Resample resample;
  private final Crop crop;

  public ClipImagePreprocessor(
      int imageSize, float[] mean, float[] std, Resample resample, Crop crop) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values");
    }
    this.imageSize = imageSize;
    this.mean = mean.clone();
    this.std = std.clone();
    this.resample = resample;
    this.crop = crop;
  }

  /** [1, 3, S, S] normalised pixels. */
  public FloatTensor preprocess(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int newW = imageSize;
    int newH = imageSize;
    if (crop == Crop.CENTER) {
      int shortSide = Math.min(w, h);
      int longSide = Math.max(w, h);
      int newLong = (int) ((long) imageSize * longSide / shortSide); // int(size · long / short)
      newW = w <= h ? imageSize : newLong;
      newH = w <= h ? newLong : imageSize;
    }
    float[] resized = resample == Resample.PIL ? pil(image, newW, newH) : floats(image, newW, newH);
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

  /** [3, newH, newW] in [0, 1]: float values resized. */
  private static float[] floats(RgbImage image, int newW, int newH) {
    return BicubicResize.resizePlanes(planes(image), 3, image.height(), image.width(), newH, newW);
  }

  /** [3, newH, newW] in [0, 1]: 8-bit values resized by PIL's arithmetic, then /255. */
  private static float[] pil(RgbImage image, int newW, int newH) {
    return planes(BicubicResize.resize(image, newW, newH));
  }

  private static float[] planes(RgbImage image) {
    int n = image.width() * image.height();
    float[] planes = new float[3 * n]; // [3, H, W] in [0, 1]
    for (int p = 0; p < n; p++) {
      for (int c = 0; c < 3; c++) {
        planes[c * n + p] = (image.rgb()[p * 3 + c] & 0xFF) / 255f;
      }
    }
    return planes;
  }
}
