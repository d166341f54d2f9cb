package dev.unclipstudio.worker;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The engine's native memory from the machine's size: ONNX Runtime's CPU arena keeps the buffers of
 * the largest batch for reuse, which is worth it where memory is ample and not on a small machine
 * or container. {@code studio.worker.memory-arena} overrides the choice.
 */
final class NativeMemory {

  /** Machines (or containers) with at least this much memory keep the arena. */
  static final long ARENA_FROM_BYTES = 2L * 1024 * 1024 * 1024;

  private NativeMemory() {}

  /** The default for this machine: the JVM reads a container's limit where there is one. */
  static boolean arenaByDefault() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return arenaFor(os.getTotalMemorySize());
  }

  static boolean arenaFor(long memoryBytes) {
    return memoryBytes >= ARENA_FROM_BYTES;
  }
}
