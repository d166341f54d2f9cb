package dev.unclipstudio.pipeline.schedule;

import java.util.Locale;

/**
 * Noise schedules by name ({@code get_named_beta_schedule} in Karlo/GLIDE, spec §3.1), in double
 * precision.
 */
public enum BetaSchedule {
  /**
   * diffusers' {@code squaredcos_cap_v2}: ᾱ(s) = cos²((s + 0.008)/1.008 · π/2), β capped at 0.999.
   */
  COSINE {
    @Override
    public double[] betas(int numTrainTimesteps) {
      double[] betas = new double[numTrainTimesteps];
      for (int i = 0; i < numTrainTimesteps; i++) {
        double t1 = (double) i / numTrainTimesteps;
        double t2 = (double) (i + 1) / numTrainTimesteps;
        betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
      }
      return betas;
    }

    private double alphaBar(double s) {
      double c = Math.cos((s + 0.008) / 1.008 * Math.PI / 2);
      return c * c;
    }
  },
  /** DDPM's linear schedule scaled to the number of steps (GLIDE upsampler). */
  LINEAR {
    @Override
    public double[] betas(int numTrainTimesteps) {
      double scale = 1000.0 / numTrainTimesteps;
      double start = scale * 0.0001;
      double stop = scale * 0.02;
      double[] betas = new double[numTrainTimesteps];
      // numpy.linspace: start + i·step, last element exactly stop
      double step = (stop - start) / (numTrainTimesteps - 1);
      for (int i = 0; i < numTrainTimesteps; i++) {
        betas[i] = i * step + start;
      }
      betas[numTrainTimesteps - 1] = stop;
      return betas;
    }
  };

  public abstract double[] betas(int numTrainTimesteps);

  /** "cosine" / "squaredcos_cap_v2" / "linear". */
  public static BetaSchedule named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cosine", "squaredcos_cap_v2" -> COSINE;
      case "linear" -> LINEAR;
      default ->
          throw new IllegalArgumentException(
              "unknown beta schedule: " + name + " (cosine | linear)");
    };
  }
}
