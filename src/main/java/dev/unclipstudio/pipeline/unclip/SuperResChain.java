package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StageSettings;
import dev.unclipstudio.pipeline.image.BicubicResize;
import dev.unclipstudio.pipeline.onnx.StageSteps;
import dev.unclipstudio.pipeline.onnx.Upsampler;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.sampling.LoopSpec;
import dev.unclipstudio.pipeline.sampling.RequestContext;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;
import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * Karlo's improved super-resolution (spec §3.6): the clamped base image is bicubic-upsampled
 * (antialiased, a = −0.5) and fed beside x_t; every step but the last uses {@code super_res_first},
 * the last {@code super_res_last}. No guidance, fixed respacing from the pack. Thread-safe.
 */
public final class SuperResChain {

  private final StageSpec spec;
  private final Upsampler first;
  private final Upsampler last;
  private final SamplingLoop loop = new SamplingLoop();

  /**
   * @param last the model of the last step; the same object as {@code first} when the pack has one
   *     model
   */
  public SuperResChain(ModelPack pack, Upsampler first, Upsampler last) {
    this.spec = pack.stage(ModelPack.SUPER_RES_FIRST);
    this.first = first;
    this.last = last;
  }

  public int steps() {
    return spec.defaultSteps();
  }

  /** What the chain samples with, reported with the images. */
  public StageSettings settings() {
    return new StageSettings(Stage.SUPER_RES, steps(), 1.0);
  }

  /** Output side U. */
  public int imageSize() {
    return spec.imageSize();
  }

  /** [B, 3, S, S] in [-1, 1] → [B, 3, U, U] x_0. */
  public FloatTensor run(FloatTensor lowRes, RequestContext request) {
    int batch = lowRes.rows();
    int s = (int) lowRes.shape()[2];
    int u = spec.imageSize();
    FloatTensor upsampled =
        FloatTensor.of(
            BicubicResize.resizePlanes(lowRes.data(), 3 * batch, s, s, u, u),
            batch,
            3,
            u,
            u); // [B, 3, U, U]
    UnclipScheduler scheduler = UnclipScheduler.create(spec.scheduler());
    int lastStep = scheduler.numSteps() - 1;
    LoopSpec loopSpec =
        LoopSpec.of(Stage.SUPER_RES, scheduler, batch, 3 * u * u).previewingImages(u);
    // one bound loop serves both when the pack uses one model for every step (null resources are
    // not closed)
    try (StageSteps firstSteps = first.steps(upsampled);
        StageSteps lastSteps = last == first ? null : last.steps(upsampled)) {
      StageSteps finalSteps = lastSteps == null ? firstSteps : lastSteps;
      return loop.run(
          loopSpec, // ε [B, 3, U, U]
          (xt, k, t, into) ->
              into.readUnguided((k == lastStep ? finalSteps : firstSteps).step(xt, 1, t)),
          request,
          x -> FloatTensor.fromDoubles(x, batch, 3, u, u));
    }
  }
}
