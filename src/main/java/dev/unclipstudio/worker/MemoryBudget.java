package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.onnx.MemoryFit;
import dev.unclipstudio.pipeline.pack.ModelPack;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * This machine's memory as the workers fill it with models. An engine holds at least its model
 * files' weights in memory, outside the Java heap, and every worker opens its own; a pack whose
 * files do not fit in what is left is refused before ONNX Runtime tries, so that it is reported
 * DOWN with the figures instead of the process being killed by the system.
 */
final class MemoryBudget {

  private final long available;
  private long reserved;

  MemoryBudget(long available) {
    this.available = available;
  }

  /** The physical memory less the most the Java heap may take. */
  static MemoryBudget ofThisMachine() {
    long total =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    return new MemoryBudget(total - Runtime.getRuntime().maxMemory());
  }

  /** No limit here: the device reports for itself when a pack does not fit. */
  static MemoryBudget unlimited() {
    return new MemoryBudget(Long.MAX_VALUE);
  }

  /**
   * Sets aside what the pack's engine needs ({@link MemoryFit#needed}), or says why it does not
   * fit.
   */
  synchronized Optional<String> reserve(ModelPack pack, boolean lowMemory) {
    long needed = MemoryFit.needed(pack, lowMemory);
    if (reserved + needed > available) {
      return Optional.of(
          "does not fit in memory: %s %s, and %s of this machine's memory is left for models (after the Java heap and the packs opened before it)"
              .formatted(
                  lowMemory ? "its largest stage takes" : "its models take",
                  readable(needed),
                  readable(Math.max(0, available - reserved))));
    }
    reserved += needed;
    return Optional.empty();
  }

  private static String readable(long bytes) {
    return bytes >= 1L << 30
        ? "%.1f GB".formatted(bytes / (double) (1L << 30))
        : "%.1f MB".formatted(bytes / (double) (1L << 20));
  }
}
