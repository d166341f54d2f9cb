package dev.unclipstudio.pipeline.schedule;

/**
 * The diffusion process restricted to the kept timesteps (Karlo/GLIDE {@code SpacedDiffusion}, spec
 * §3.3), indexed by respaced step i with s_0 &lt; … &lt; s_{K−1}.
 *
 * <p>Per-step coefficients are rounded to float32, as the reference does when it applies them
 * ({@code _extract_into_tensor(...).float()}); the arithmetic around them stays in double.
 */
final class RespacedChain {

  final int[] timesteps; // ascending original timesteps s_i
  final double[] alphasCumprod;
  final double[] alphasCumprodPrev;
  final double[] alphasCumprodNext;
  final double[] sqrtRecipAlphasCumprod;
  final double[] sqrtRecipm1AlphasCumprod;
  final double[] posteriorLogVarianceClipped;
  final double[] logBetas;
  final double[] posteriorMeanCoef1;
  final double[] posteriorMeanCoef2;

  RespacedChain(BetaSchedule schedule, int numTrainTimesteps, int[] samplingOrder) {
    int k = samplingOrder.length;
    timesteps = new int[k];
    for (int i = 0; i < k; i++) {
      timesteps[i] = samplingOrder[k - 1 - i];
    }
    double[] baseBetas = schedule.betas(numTrainTimesteps);
    double[] baseCumprod = new double[numTrainTimesteps];
    double acc = 1.0;
    for (int t = 0; t < numTrainTimesteps; t++) {
      acc *= 1.0 - baseBetas[t];
      baseCumprod[t] = acc;
    }
    // 1. betas of the respaced chain: b_i = 1 − ᾱ(s_i)/ᾱ(s_{i−1})
    double[] betas = new double[k];
    double last = 1.0;
    for (int i = 0; i < k; i++) {
      betas[i] = 1 - baseCumprod[timesteps[i]] / last;
      last = baseCumprod[timesteps[i]];
    }
    // 2. ᾱ recomputed as a cumulative product, as GaussianDiffusion does with the new betas
    double[] acp = new double[k];
    acc = 1.0;
    for (int i = 0; i < k; i++) {
      acc *= 1.0 - betas[i];
      acp[i] = acc;
    }
    alphasCumprod = acp;
    alphasCumprodPrev = new double[k];
    alphasCumprodNext = new double[k];
    sqrtRecipAlphasCumprod = new double[k];
    sqrtRecipm1AlphasCumprod = new double[k];
    posteriorLogVarianceClipped = new double[k];
    logBetas = new double[k];
    posteriorMeanCoef1 = new double[k];
    posteriorMeanCoef2 = new double[k];
    double[] posteriorVariance = new double[k];
    for (int i = 0; i < k; i++) {
      double prev = i == 0 ? 1.0 : acp[i - 1];
      alphasCumprodPrev[i] = prev;
      alphasCumprodNext[i] = i + 1 < k ? acp[i + 1] : 0.0;
      posteriorVariance[i] = betas[i] * (1.0 - prev) / (1.0 - acp[i]);
      sqrtRecipAlphasCumprod[i] = f32(Math.sqrt(1.0 / acp[i]));
      sqrtRecipm1AlphasCumprod[i] = f32(Math.sqrt(1.0 / acp[i] - 1));
      logBetas[i] = f32(Math.log(betas[i]));
      posteriorMeanCoef1[i] = f32(betas[i] * Math.sqrt(prev) / (1.0 - acp[i]));
      posteriorMeanCoef2[i] = f32((1.0 - prev) * Math.sqrt(1.0 - betas[i]) / (1.0 - acp[i]));
    }
    for (int i = 0; i < k; i++) {
      // the posterior variance is 0 at i = 0, so its log is "clipped" to the next step's
      double v = (i == 0 && k > 1) ? posteriorVariance[1] : posteriorVariance[i];
      posteriorLogVarianceClipped[i] = f32(Math.log(v));
    }
  }

  /**
   * Predicted x0 at respaced index i into {@code x0}: from ε or taken as is, then the hook, then
   * the clamp (Karlo {@code p_mean_variance}: {@code process_xstart}).
   */
  void predictOriginal(
      int i,
      PredictionType prediction,
      double[] modelOutput,
      double[] sample,
      DenoisedHook hook,
      double clipRange,
      double[] x0) {
    requireLength("x0 buffer", x0, sample.length);
    if (prediction == PredictionType.SAMPLE) {
      System.arraycopy(modelOutput, 0, x0, 0, x0.length);
    } else {
      // x0 = sqrt(1/ᾱ)·x_t − sqrt(1/ᾱ − 1)·ε   (DDPM eq. 15 solved for x0)
      double a = sqrtRecipAlphasCumprod[i];
      double b = sqrtRecipm1AlphasCumprod[i];
      for (int j = 0; j < x0.length; j++) {
        x0[j] = a * sample[j] - b * modelOutput[j];
      }
    }
    hook.apply(x0);
    for (int j = 0; j < x0.length; j++) {
      x0[j] = Math.max(-clipRange, Math.min(clipRange, x0[j]));
    }
  }

  static void requireLength(String what, double[] values, int expected) {
    if (values == null || values.length != expected) {
      throw new IllegalArgumentException(
          "Unexpected "
              + what
              + " length, got "
              + (values == null ? "null" : values.length)
              + ", expected "
              + expected);
    }
  }

  int size() {
    return timesteps.length;
  }

  static double f32(double v) {
    return (float) v;
  }
}
