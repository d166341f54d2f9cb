package dev.unclipstudio.pipeline.onnx;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A session's ended loops, kept with their bound tensors for the next loop of the same shapes: a
 * worker repeats one batch size, so it allocates no native memory per request. The two most
 * recently ended are kept; older ones and everything after the session closes are freed.
 * Thread-safe.
 */
final class IdleLoops {

  private static final int KEEP = 2;

  private final Queue<StageSteps> idle = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /** A kept loop that fits, rebound to {@code inputs}, or null. */
  StageSteps take(Map<String, StageInput> inputs, String sampleInput, String timestepInput) {
    for (StageSteps steps : idle) {
      if (steps.fits(inputs, sampleInput, timestepInput) && idle.remove(steps)) {
        try {
          steps.rebind(inputs);
          return steps;
        } catch (RuntimeException e) {
          steps.release();
          throw e;
        }
      }
    }
    return null;
  }

  void giveBack(StageSteps steps) {
    if (closed) {
      steps.release();
      return;
    }
    idle.offer(steps);
    while (idle.size() > KEEP) {
      StageSteps oldest = idle.poll();
      if (oldest != null) {
        oldest.release();
      }
    }
    if (closed && idle.remove(steps)) {
      steps.release(); // the session closed meanwhile
    }
  }

  void close() {
    closed = true;
    for (StageSteps steps; (steps = idle.poll()) != null; ) {
      steps.release();
    }
  }
}
