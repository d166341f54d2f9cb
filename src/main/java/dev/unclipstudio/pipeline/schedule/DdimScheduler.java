package dev.unclipstudio.pipeline.schedule;

/**
 * DDIM sampling with η (Karlo/GLIDE {@code ddim_sample}, spec §3.8) and its deterministic inversion
 * ({@code ddim_reverse_sample}), over the same respaced chain as {@link UnclipScheduler}. Immutable
 * and thread-safe.
 */
public final class DdimScheduler {

  private final DiffusionConfig config;
  private final double eta;
  private final RespacedChain chain;
  private final int[] samplingOrder;

  private DdimScheduler(DiffusionConfig config, double eta) {
    if (eta < 0) {
      throw new IllegalArgumentException("eta must be non-negative: " + eta);
    }
    this.config = config;
    this.eta = eta;
    this.samplingOrder =
        TimestepRespacing.samplingOrder(config.respacing(), config.numTrainTimesteps());
    this.chain =
        new RespacedChain(config.betaSchedule(), config.numTrainTimesteps(), samplingOrder);
  }

  public static DdimScheduler create(DiffusionConfig config, double eta) {
    return new DdimScheduler(config, eta);
  }

  /** Original timesteps in sampling order (e.g. 999 … 0). */
  public int[] timesteps() {
    return samplingOrder.clone();
  }

  public int numSteps() {
    return samplingOrder.length;
  }

  /**
   * Original timesteps in inversion order (0 … 999): the network is called with {@code
   * inversionTimesteps()[k]}.
   */
  public int[] inversionTimesteps() {
    return chain.timesteps.clone();
  }

  /**
   * One DDIM step towards x0, in place like {@link UnclipScheduler#step}.
   *
   * @param step position in sampling order (0 = noisiest)
   * @param sample x_t, overwritten with x_{t−1}
   * @param noise z for η &gt; 0 (ignored when η = 0 or on the last step; may then be null)
   * @param predOriginal receives the clipped x0
   */
  public void step(
      int step,
      double[] modelOutput,
      double[] sample,
      double[] noise,
      DenoisedHook hook,
      double[] predOriginal) {
    int n = sample.length;
    RespacedChain.requireLength("model output", modelOutput, n);
    int i = chain.size() - 1 - step;
    boolean addNoise = i > 0 && eta > 0;
    if (addNoise) {
      RespacedChain.requireLength("noise", noise, n);
    }
    // 1. clipped x0, then ε re-derived from it
    double[] x0 = predOriginal;
    chain.predictOriginal(
        i, config.predictionType(), modelOutput, sample, hook, config.clipSampleRange(), x0);
    double a = chain.sqrtRecipAlphasCumprod[i];
    double b = chain.sqrtRecipm1AlphasCumprod[i];
    // 2. σ = η·sqrt((1 − ᾱ_prev)/(1 − ᾱ))·sqrt(1 − ᾱ/ᾱ_prev)
    // ᾱ values are rounded to float32 like every extracted coefficient, the arithmetic stays in
    // double
    double alphaBar = RespacedChain.f32(chain.alphasCumprod[i]);
    double alphaBarPrev = RespacedChain.f32(chain.alphasCumprodPrev[i]);
    double sigma =
        eta
            * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar))
            * Math.sqrt(1 - alphaBar / alphaBarPrev);
    double sqrtPrev = Math.sqrt(alphaBarPrev);
    // σ² can exceed 1 − ᾱ_prev by rounding when η = 1
    double dirCoef = Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma));
    for (int j = 0; j < n; j++) {
      double eps = (a * sample[j] - x0[j]) / b;
      // 3. x_prev = sqrt(ᾱ_prev)·x0 + sqrt(1 − ᾱ_prev − σ²)·ε + σ·z   (DDIM eq. 12)
      sample[j] = x0[j] * sqrtPrev + dirCoef * eps + (addNoise ? sigma * noise[j] : 0);
    }
  }

  /**
   * One deterministic inversion step from x at {@code inversionTimesteps()[step]} towards the next
   * noisier kept timestep (η = 0), in place: {@code sample} becomes the noisier x; {@code
   * predOriginal} receives x0.
   */
  public void inverseStep(int step, double[] modelOutput, double[] sample, double[] predOriginal) {
    int n = sample.length;
    RespacedChain.requireLength("model output", modelOutput, n);
    int i = step;
    double[] x0 = predOriginal;
    chain.predictOriginal(
        i,
        config.predictionType(),
        modelOutput,
        sample,
        DenoisedHook.NONE,
        config.clipSampleRange(),
        x0);
    double a = chain.sqrtRecipAlphasCumprod[i];
    double b = chain.sqrtRecipm1AlphasCumprod[i];
    double alphaBarNext = RespacedChain.f32(chain.alphasCumprodNext[i]);
    double sqrtNext = Math.sqrt(alphaBarNext);
    double dirCoef = Math.sqrt(1 - alphaBarNext);
    for (int j = 0; j < n; j++) {
      double eps = (a * sample[j] - x0[j]) / b;
      // x_next = sqrt(ᾱ_next)·x0 + sqrt(1 − ᾱ_next)·ε
      sample[j] = x0[j] * sqrtNext + dirCoef * eps;
    }
  }
}
