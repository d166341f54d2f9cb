package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;
import java.util.function.Supplier;

/** Runs one stage's ancestral sampling loop: noise → network → scheduler step, reporting after every step. */
public final class SamplingLoop {

  private static final System.Logger LOG = System.getLogger(SamplingLoop.class.getName());

  private SamplingLoop() {}

  /**
   * @param stage name used for noise streams and progress events
   * @param batch B
   * @param buffers the loop's arrays, B · (C or 3·H·W) values each
   * @param initialScale factor on x_T (GLIDE upsampler: 0.997)
   * @param imageSide H = W for previews of image stages, 0 for the prior (no preview)
   * @return x_0 of the B images in {@code buffers.sample()}, valid until the buffers serve another loop
   */
  public static double[] run(String stage, UnclipScheduler scheduler, int batch, LoopBuffers buffers,
      double initialScale, Denoiser denoiser, DenoisedHook hook, NoiseSource noise, Progress progress,
      int imageSide) {
    double[] x = buffers.sample();
    double[] z = buffers.noise();
    double[] x0 = buffers.predOriginal();
    noise.initial(stage, batch, x);
    if (initialScale != 1.0) {
      for (int i = 0; i < x.length; i++) {
        x[i] *= initialScale;
      }
    }
    int[] timesteps = scheduler.timesteps();
    Supplier<RgbImage> preview = imageSide == 0 ? () -> null : () -> preview(x0, imageSide);
    for (int k = 0; k < timesteps.length; k++) {
      progress.checkCancelled(stage, k);
      LOG.log(System.Logger.Level.DEBUG, "{0} step {1}/{2} t={3}", stage, k + 1, timesteps.length, timesteps[k]);
      ClassifierFreeGuidance.Guided g = denoiser.predict(x, k, timesteps[k]);
      boolean last = k == timesteps.length - 1;
      if (!last) {
        noise.step(stage, k, batch, z); // the last step adds no noise
      }
      scheduler.step(k, g.prediction(), g.varianceValues(), x, last ? null : z, hook, x0);
      progress.stepDone(stage, k, timesteps.length, preview);
    }
    return x;
  }

  private static RgbImage preview(double[] x0, int side) {
    float[] first = new float[3 * side * side];
    for (int i = 0; i < first.length; i++) {
      first[i] = (float) x0[i];
    }
    return ImageTensors.toImage(first, 0, side, side);
  }
}
