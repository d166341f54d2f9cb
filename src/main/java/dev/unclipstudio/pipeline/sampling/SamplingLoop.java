package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One stage's ancestral sampling loop: noise → network → scheduler step, reporting after every
 * step. An instance belongs to one stage of a pipeline and keeps the loop's arrays between
 * requests; it is thread-safe (each running loop has arrays of its own).
 */
public final class SamplingLoop {

  private static final System.Logger LOG = System.getLogger(SamplingLoop.class.getName());

  private final LoopBuffers.Pool buffers = new LoopBuffers.Pool();

  /**
   * Runs the loop and hands x_0 [B · valuesPerImage] to {@code result}, whose return value this
   * returns; x_0 is valid only during that call (its array serves the next loop).
   */
  public <T> T run(
      LoopSpec spec, Denoiser denoiser, RequestContext request, Function<double[], T> result) {
    LoopBuffers b = buffers.take(spec.values(), spec.learnedVariance());
    try {
      sample(spec, denoiser, request, b);
      return result.apply(b.sample());
    } finally {
      buffers.giveBack(b);
    }
  }

  private static void sample(
      LoopSpec spec, Denoiser denoiser, RequestContext request, LoopBuffers b) {
    Stage stage = spec.stage();
    int batch = spec.batch();
    double[] x = b.sample();
    double[] z = b.noise();
    double[] x0 = b.predOriginal();
    request.noise().initial(stage, batch, x);
    if (spec.initialScale() != 1.0) {
      for (int i = 0; i < x.length; i++) {
        x[i] *= spec.initialScale();
      }
    }
    int[] timesteps = spec.scheduler().timesteps();
    IntFunction<RgbImage> preview = image -> spec.preview().of(x0, image);
    Progress progress = request.progress();
    for (int k = 0; k < timesteps.length; k++) {
      progress.checkCancelled(stage, k);
      LOG.log(
          System.Logger.Level.DEBUG,
          "{0} step {1}/{2} t={3}",
          stage.key(),
          k + 1,
          timesteps.length,
          timesteps[k]);
      denoiser.predict(x, k, timesteps[k], b.guided());
      boolean last = k == timesteps.length - 1;
      if (!last) {
        request.noise().step(stage, k, batch, z); // the last step adds no noise
      }
      spec.scheduler()
          .step(
              k,
              b.guided().prediction(),
              b.guided().varianceValues(),
              x,
              last ? null : z,
              spec.hook(),
              x0);
      progress.stepDone(stage, k, timesteps.length, preview);
    }
  }
}
