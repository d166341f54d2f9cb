package dev.unclipstudio.pipeline.onnx;

import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent inside {@code OrtSession.run} by every session of this JVM, for benchmarks that report
 * how much of a pipeline's time is ours (tensor preparation, scheduler, guidance) rather than ONNX
 * Runtime's. One per JVM because sessions of every engine and worker add to it; a sum of
 * nanoseconds costs a few nanoseconds per model call.
 */
public final class OrtTime {

  private static final LongAdder NANOS = new LongAdder();

  private OrtTime() {}

  /** Nanoseconds inside ONNX Runtime so far; benchmarks take differences. */
  public static long nanos() {
    return NANOS.sum();
  }

  static void add(long nanos) {
    NANOS.add(nanos);
  }
}
