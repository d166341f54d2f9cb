package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.image.BicubicResize;
import dev.unclipstudio.pipeline.onnx.StageSession;
import dev.unclipstudio.pipeline.onnx.Upsampler;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.sampling.LoopBuffers;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;
import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * Karlo's improved super-resolution (spec §3.6): the clamped base image is bicubic-upsampled (antialiased, a = −0.5)
 * and fed beside x_t; every step but the last uses {@code super_res_first}, the last {@code super_res_last}. No
 * guidance, fixed respacing from the pack.
 */
public final class SuperResChain {

  public static final String STAGE = "super_res";

  private final StageSpec spec;
  private final Upsampler first;
  private final Upsampler last;

  /** @param last null to use {@code first} for the last step as well */
  public SuperResChain(ModelPack pack, Upsampler first, Upsampler last) {
    this.spec = pack.stage(ModelPack.SUPER_RES_FIRST);
    this.first = first;
    this.last = last == null ? first : last;
  }

  public int steps() {
    return spec.defaultSteps();
  }

  /** Output side U. */
  public int imageSize() {
    return spec.imageSize();
  }

  /** [B, 3, S, S] in [-1, 1] → [B, 3, U, U] x_0. */
  public FloatTensor run(FloatTensor lowRes, NoiseSource noise, Progress progress) {
    int batch = lowRes.rows();
    int s = (int) lowRes.shape()[2];
    int u = spec.imageSize();
    FloatTensor upsampled = FloatTensor.of(BicubicResize.resizePlanes(lowRes.data(), 3 * batch, s, s, u, u),
        batch, 3, u, u); // [B, 3, U, U]
    UnclipScheduler scheduler = UnclipScheduler.create(spec.scheduler());
    int lastStep = scheduler.numSteps() - 1;
    // one bound loop serves both when the pack uses one model for every step (null resources are not closed)
    try (StageSession.Steps firstSteps = first.steps(upsampled);
        StageSession.Steps lastSteps = last == first ? null : last.steps(upsampled)) {
      StageSession.Steps finalSteps = lastSteps == null ? firstSteps : lastSteps;
      LoopBuffers buffers = LoopBuffers.of(firstSteps, batch * 3 * u * u, false);
      double[] x = SamplingLoop.run(STAGE, scheduler, batch, buffers, 1.0,
          (xt, k, t) -> buffers.guided().readUnguided((k == lastStep ? finalSteps : firstSteps).step(xt, 1, t)),
          DenoisedHook.NONE, noise, progress, u); // ε [B, 3, U, U]
      return FloatTensor.fromDoubles(x, batch, 3, u, u);
    }
  }
}
