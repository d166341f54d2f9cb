package dev.unclipstudio.pipeline.image;

import dev.unclipstudio.pipeline.tensor.FloatTensor;

/** Conversions between 8-bit images and the [-1, 1] NCHW tensors of the diffusion stages. */
public final class ImageTensors {

  private ImageTensors() {}

  /** [1, 3, H, W] with x/127.5 − 1 (GLIDE {@code read_image}). */
  public static FloatTensor toSigned(RgbImage image) {
    int hw = image.width() * image.height();
    float[] out = new float[3 * hw];
    byte[] rgb = image.rgb();
    for (int p = 0; p < hw; p++) {
      for (int c = 0; c < 3; c++) {
        out[c * hw + p] = (rgb[p * 3 + c] & 0xFF) / 127.5f - 1f;
      }
    }
    return FloatTensor.of(out, 1, 3, image.height(), image.width());
  }

  /**
   * Row b of a [B, 3, H, W] tensor in [-1, 1] as an 8-bit image: round(clamp(x/2 + 0.5, 0, 1)·255).
   */
  public static RgbImage toImage(float[] nchw, int b, int height, int width) {
    int hw = height * width;
    byte[] rgb = new byte[3 * hw];
    for (int p = 0; p < hw; p++) {
      for (int c = 0; c < 3; c++) {
        double v = Math.max(0, Math.min(1, nchw[(b * 3 + c) * hw + p] * 0.5 + 0.5));
        rgb[p * 3 + c] = (byte) Math.rint(v * 255);
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /** clamp(x/2 + 0.5, 0, 1): the float image before quantisation. */
  public static float[] toUnitRange(float[] signed) {
    float[] out = new float[signed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.max(0, Math.min(1, signed[i] * 0.5 + 0.5));
    }
    return out;
  }
}
