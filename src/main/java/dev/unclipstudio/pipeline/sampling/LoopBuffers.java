package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance.Guided;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The Java arrays of one sampling loop. Kept between loops by a {@link Pool}, so that a worker
 * repeating one batch size allocates none per request: fresh arrays of this size cost page faults
 * on the order of the sampler arithmetic itself (docs/benchmarks.md).
 *
 * @param sample x_t, advanced in place by the scheduler; x_0 when the loop ends
 * @param noise z of the current step
 * @param predOriginal the current step's x0 (previews, the inpainting hook)
 * @param guided the network's guided prediction of the current step
 */
record LoopBuffers(double[] sample, double[] noise, double[] predOriginal, Guided guided) {

  private boolean fits(int values, boolean withVariance) {
    return sample.length == values && (guided.varianceValues() != null) == withVariance;
  }

  /**
   * Buffers of loops that ended, for the next loop of the same sizes; the two most recently used
   * are kept (a worker's next request most likely repeats its last batch size). Thread-safe: each
   * loop takes its own.
   */
  static final class Pool {

    private static final int KEEP = 2;
    private final ConcurrentLinkedDeque<LoopBuffers> idle = new ConcurrentLinkedDeque<>();

    LoopBuffers take(int values, boolean withVariance) {
      for (Iterator<LoopBuffers> it = idle.iterator(); it.hasNext(); ) {
        LoopBuffers b = it.next();
        if (b.fits(values, withVariance) && idle.removeFirstOccurrence(b)) {
          return b;
        }
      }
      return new LoopBuffers(
          new double[values],
          new double[values],
          new double[values],
          Guided.allocate(values, withVariance));
    }

    void giveBack(LoopBuffers buffers) {
      idle.addFirst(buffers);
      while (idle.size() > KEEP) {
        idle.pollLast();
      }
    }
  }
}
