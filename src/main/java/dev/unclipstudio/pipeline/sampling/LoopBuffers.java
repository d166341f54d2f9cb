package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance.Guided;
import dev.unclipstudio.pipeline.onnx.StageSession;

/**
 * The Java arrays of one sampling loop, kept with the loop's bound tensors ({@link StageSession.Steps#reuse}) so that
 * a worker repeating one batch size allocates none per request: fresh arrays of this size cost page faults on the
 * order of the sampler arithmetic itself (docs/benchmarks.md).
 *
 * @param sample x_t, advanced in place by the scheduler; x_0 when the loop ends
 * @param noise z of the current step
 * @param predOriginal the current step's x0 (previews, the inpainting hook)
 * @param guided the network's guided prediction of the current step
 */
public record LoopBuffers(double[] sample, double[] noise, double[] predOriginal, Guided guided) {

  /** The buffers kept with {@code steps} when they fit {@code values} values (and variance channels), else new ones. */
  public static LoopBuffers of(StageSession.Steps steps, int values, boolean withVariance) {
    return steps.reuse(LoopBuffers.class,
        b -> b.sample.length == values && (b.guided.varianceValues() != null) == withVariance,
        () -> new LoopBuffers(new double[values], new double[values], new double[values],
            Guided.allocate(values, withVariance)));
  }
}
