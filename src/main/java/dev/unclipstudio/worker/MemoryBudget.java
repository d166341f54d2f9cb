package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.StageSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** Sets aside the pack's model bytes for one more engine, or says why they do not fit. */
  synchronized Optional<String> reserve(ModelPack pack) {
    long needed = modelBytes(pack);
    if (reserved + needed > available) {
      return Optional.of(
          "does not fit in memory: its models take %s, and %s of this machine's memory is left for models (after the Java heap and the packs opened before it)"
              .formatted(readable(needed), readable(Math.max(0, available - reserved))));
    }
    reserved += needed;
    return Optional.empty();
  }

  private static long modelBytes(ModelPack pack) {
    return pack.stages().values().stream()
        .map(StageSpec::file)
        .distinct() // stages may share a file (super_res_first and super_res_last)
        .mapToLong(MemoryBudget::size)
        .sum();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readable(long bytes) {
    return bytes >= 1L << 30
        ? "%.1f GB".formatted(bytes / (double) (1L << 30))
        : "%.1f MB".formatted(bytes / (double) (1L << 20));
  }
}
