package dev.unclipstudio.pipeline.image;

/**
 * Antialiased bicubic resizing with Keys a = −0.5, as PIL's {@code Image.resize(BICUBIC)} and
 * PyTorch's {@code interpolate(mode="bicubic", antialias=True, align_corners=False)} do it (spec
 * §5.2): a separable filter whose support widens by the scale when shrinking, windows renormalised
 * at the borders, horizontal pass first.
 */
public final class BicubicResize {

  private static final double A = -0.5;
  private static final double SUPPORT = 2.0;
  private static final int PRECISION_BITS = 32 - 8 - 2; // PIL's fixed point for 8-bit images

  private BicubicResize() {}

  /** Keys cubic kernel. */
  static double kernel(double x) {
    x = Math.abs(x);
    if (x < 1.0) {
      return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * A;
    }
    return 0.0;
  }

  /**
   * Source window [start, start + weights.length) and normalised weights of every output position
   * on one axis.
   */
  record Taps(int[] start, double[][] weights) {

    static Taps of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int[] start = new int[outSize];
      double[][] weights = new double[outSize][];
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize);
        double[] w = new double[xmax - xmin];
        double total = 0;
        double invScale = 1.0 / filterScale;
        for (int j = 0; j < w.length; j++) {
          w[j] = kernel((j + xmin - center + 0.5) * invScale);
          total += w[j];
        }
        if (total != 0) {
          for (int j = 0; j < w.length; j++) {
            w[j] /= total;
          }
        }
        start[i] = xmin;
        weights[i] = w;
      }
      return new Taps(start, weights);
    }
  }

  /**
   * Resizes float planes the PyTorch way (no rounding, no clamping; values may overshoot slightly).
   *
   * @param planes [planes, inH, inW] row-major, e.g. a [B, 3, 16, 16] tensor seen as 3B planes
   * @return [planes, outH, outW]
   */
  public static float[] resizePlanes(
      float[] planes, int count, int inH, int inW, int outH, int outW) {
    if (planes.length != count * inH * inW) {
      throw new IllegalArgumentException("expected " + count + " planes of " + inH + "x" + inW);
    }
    Taps horizontal = Taps.of(inW, outW);
    Taps vertical = Taps.of(inH, outH);
    float[] out = new float[count * outH * outW];
    double[] temp = new double[inH * outW];
    for (int p = 0; p < count; p++) {
      int base = p * inH * inW;
      for (int y = 0; y < inH; y++) {
        for (int x = 0; x < outW; x++) {
          double[] w = horizontal.weights[x];
          int s = base + y * inW + horizontal.start[x];
          double acc = 0;
          for (int j = 0; j < w.length; j++) {
            acc += w[j] * planes[s + j];
          }
          temp[y * outW + x] =
              (float) acc; // PyTorch keeps the intermediate in the tensor's float type
        }
      }
      int outBase = p * outH * outW;
      for (int y = 0; y < outH; y++) {
        double[] w = vertical.weights[y];
        int s = vertical.start[y];
        for (int x = 0; x < outW; x++) {
          double acc = 0;
          for (int j = 0; j < w.length; j++) {
            acc += w[j] * temp[(s + j) * outW + x];
          }
          out[outBase + y * outW + x] = (float) acc;
        }
      }
    }
    return out;
  }

  /**
   * Resizes an 8-bit image exactly as PIL does (fixed-point weights, each pass rounded and clamped
   * to 0..255).
   */
  public static RgbImage resize(RgbImage image, int outW, int outH) {
    if (outW == image.width() && outH == image.height()) {
      return image;
    }
    int[] pixels = new int[image.rgb().length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = image.rgb()[i] & 0xFF;
    }
    int w = image.width();
    int h = image.height();
    if (outW != w) {
      pixels = pass(pixels, h, w, outW, true);
      w = outW;
    }
    if (outH != h) {
      pixels = pass(pixels, h, w, outH, false);
      h = outH;
    }
    byte[] rgb = new byte[pixels.length];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) pixels[i];
    }
    return new RgbImage(w, h, rgb);
  }

  /** One PIL 8-bit pass over interleaved RGB: along x (horizontal) or along y. */
  private static int[] pass(int[] in, int h, int w, int outSize, boolean horizontal) {
    Taps taps = Taps.of(horizontal ? w : h, outSize);
    int[][] k = new int[outSize][];
    for (int i = 0; i < outSize; i++) {
      double[] d = taps.weights[i];
      k[i] = new int[d.length];
      for (int j = 0; j < d.length; j++) {
        double scaled = d[j] * (1 << PRECISION_BITS);
        k[i][j] = (int) (d[j] < 0 ? scaled - 0.5 : scaled + 0.5);
      }
    }
    int outW = horizontal ? outSize : w;
    int outH = horizontal ? h : outSize;
    int[] out = new int[outW * outH * 3];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int i = horizontal ? x : y;
        for (int c = 0; c < 3; c++) {
          long ss = 1L << (PRECISION_BITS - 1);
          for (int j = 0; j < k[i].length; j++) {
            int src = horizontal ? (y * w + taps.start[i] + j) : ((taps.start[i] + j) * w + x);
            ss += (long) in[src * 3 + c] * k[i][j];
          }
          out[(y * outW + x) * 3 + c] = clip8(ss);
        }
      }
    }
    return out;
  }

  private static int clip8(long ss) {
    if (ss >= (1L << PRECISION_BITS << 8)) {
      return 255;
    }
    if (ss <= 0) {
      return 0;
    }
    return (int) (ss >> PRECISION_BITS);
  }
}
