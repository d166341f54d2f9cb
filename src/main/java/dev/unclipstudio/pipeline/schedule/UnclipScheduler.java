package dev.unclipstudio.pipeline.schedule;

/**
 * Respaced ancestral DDPM sampling as used by every unCLIP and GLIDE stage (Karlo/GLIDE {@code
 * p_sample}, diffusers {@code UnCLIPScheduler}; spec §3.4): ε- or x0-prediction, fixed-small or
 * learned-range variance, x0 clamp and an optional hook on x0 before clamping. Immutable and
 * thread-safe.
 */
public final class UnclipScheduler {

  private final DiffusionConfig config;
  private final RespacedChain chain;
  private final int[] samplingOrder;

  private UnclipScheduler(DiffusionConfig config) {
    this.config = config;
    this.samplingOrder =
        TimestepRespacing.samplingOrder(config.respacing(), config.numTrainTimesteps());
    this.chain =
        new RespacedChain(config.betaSchedule(), config.numTrainTimesteps(), samplingOrder);
  }

  public static UnclipScheduler create(DiffusionConfig config) {
    return new UnclipScheduler(config);
  }

  public DiffusionConfig config() {
    return config;
  }

  /** Original timesteps fed to the network, in sampling order (e.g. 999 … 0). */
  public int[] timesteps() {
    return samplingOrder.clone();
  }

  public int numSteps() {
    return samplingOrder.length;
  }

  /**
   * One denoising step, in place: {@code sample} goes from x_t to x_{t−1}, so a loop allocates
   * nothing per step.
   *
   * @param step position in sampling order (0 = noisiest)
   * @param modelOutput ε or x0 (after guidance), same length as {@code sample}
   * @param varianceValues the network's v channels (learned range only, else ignored; may be null)
   * @param sample x_t, overwritten with x_{t−1}
   * @param noise z ~ N(0, I) for this step (unused on the last step; may then be null)
   * @param hook applied to x0 before clamping
   * @param predOriginal receives the clipped x0 the step was based on (for previews)
   */
  public void step(
      int step,
      double[] modelOutput,
      double[] varianceValues,
      double[] sample,
      double[] noise,
      DenoisedHook hook,
      double[] predOriginal) {
    int n = sample.length;
    RespacedChain.requireLength("model output", modelOutput, n);
    int i = chain.size() - 1 - step;
    boolean last = i == 0;
    if (!last) {
      RespacedChain.requireLength("noise", noise, n);
    }
    boolean learned = config.varianceType() == VarianceType.LEARNED_RANGE;
    if (learned && !last) {
      RespacedChain.requireLength("variance values", varianceValues, n);
    }

    // 1-3. x0 from the model output, the hook (inpainting re-insertion), then the clamp
    double[] x0 = predOriginal;
    chain.predictOriginal(
        i, config.predictionType(), modelOutput, sample, hook, config.clipSampleRange(), x0);
    double coef1 = chain.posteriorMeanCoef1[i];
    double coef2 = chain.posteriorMeanCoef2[i];
    double minLog = chain.posteriorLogVarianceClipped[i];
    double maxLog = chain.logBetas[i];
    double fixedSigma = Math.exp(0.5 * minLog); // once per step, not once per value
    for (int j = 0; j < n; j++) {
      // 4. posterior mean μ̃(x_t, x0), DDPM eq. 7
      double mean = coef1 * x0[j] + coef2 * sample[j];
      if (last) {
        sample[j] = mean; // 6. no noise at the final step
        continue;
      }
      // 5. σ: fixed small, or the log variance interpolated between log σ̃² and log β (Improved
      // DDPM eq. 15)
      double sigma = fixedSigma;
      if (learned) {
        double frac = (varianceValues[j] + 1) / 2;
        sigma = Math.exp(0.5 * (frac * maxLog + (1 - frac) * minLog));
      }
      // 6. x_{t−1} = μ + σ·z
      sample[j] = mean + sigma * noise[j];
    }
  }
}
