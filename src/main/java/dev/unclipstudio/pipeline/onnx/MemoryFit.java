package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a pack's models fit in this machine's memory before they are loaded: a full-size pack
 * whose stages cannot all be held would otherwise die half-loaded, or take the machine into swap. A
 * refused pack names what it needs, what there is, and low-memory mode, which holds one stage at a
 * time. Checked for the CPU only (a GPU's memory is its driver's business).
 */
public final class MemoryFit {

  /**
   * Peak resident memory per byte of model files held at once: measured 1.86 on full-size Karlo in
   * low-memory mode (10.3 GB peak while the super-resolution's 5.5 GB of weights ran at 256 px: the
   * JVM, pre-packed weights, activations, freed memory the allocator keeps), docs/benchmarks.md.
   */
  static final double OVERHEAD = 1.9;

  /**
   * The same for a float16 pack on the CPU: full-size Karlo's float16 copy peaked at 12.3 GB in
   * low-memory mode against 10.2 GB for float32 (docs/benchmarks.md), 4.4 per byte of the
   * super-resolution's 2.8 GB of float16 files (assuming the peak is that stage's, as in float32).
   * A likely reason, not verified: where ONNX Runtime's CPU has no float16 kernel it runs float32,
   * holding the weight again as float32 beside its float16 original (2 × 1.9 + 1 ≈ 4.8).
   */
  static final double OVERHEAD_FLOAT16 = 4.4;

  private MemoryFit() {}

  /** Bytes of every model file of the pack, external weight files included, each file once. */
  public static long weightBytes(ModelPack pack, List<StageSpec> stages) {
    Set<Path> files = new HashSet<>();
    long total = 0;
    for (StageSpec stage : stages) {
      Path file = stage.file();
      if (files.add(file)) {
        total += size(file) + size(file.resolveSibling(file.getFileName() + ".data"));
      }
    }
    return total;
  }

  /**
   * Memory a pack's engine needs: every stage at once, or in low-memory mode the largest set that
   * runs together.
   */
  public static long needed(ModelPack pack, boolean lowMemory) {
    List<StageSpec> stages = List.copyOf(pack.stages().values());
    return lowMemory
        ? largestStage(pack, stages)
        : (long) (weightBytes(pack, stages) * overhead(pack));
  }

  /**
   * @param availableBytes memory this process can still use
   * @throws ModelPackException when every stage at once would not fit
   */
  public static void check(ModelPack pack, long availableBytes) throws ModelPackException {
    List<StageSpec> stages = List.copyOf(pack.stages().values());
    long need = needed(pack, false);
    if (need > availableBytes) {
      throw new ModelPackException(
          "pack "
              + pack.name()
              + " needs about "
              + gigabytes(need)
              + " of memory to hold every stage at once, but "
              + gigabytes(availableBytes)
              + " is available; use low-memory mode (studio.worker.low-memory=true, or --low-memory"
              + " on the command line), which loads one stage at a time and needs about "
              + gigabytes(largestStage(pack, stages))
              + ", or a machine with more memory");
    }
  }

  /** MemAvailable of /proc/meminfo where there is one (it counts reclaimable cache), else free. */
  public static long available() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: fall through
    }
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getFreeMemorySize()
        : Long.MAX_VALUE;
  }

  private static long largestStage(ModelPack pack, List<StageSpec> stages) {
    long largest = 0;
    for (StageSpec stage : stages) {
      largest = Math.max(largest, weightBytes(pack, List.of(stage)));
    }
    // super-res keeps its first and last model during one loop
    if (pack.hasStage(ModelPack.SUPER_RES_FIRST) && pack.hasStage(ModelPack.SUPER_RES_LAST)) {
      largest =
          Math.max(
              largest,
              weightBytes(
                  pack,
                  List.of(
                      pack.stage(ModelPack.SUPER_RES_FIRST),
                      pack.stage(ModelPack.SUPER_RES_LAST))));
    }
    return (long) (largest * overhead(pack));
  }

  private static double overhead(ModelPack pack) {
    return pack.precision() == ModelPack.Precision.FLOAT16 ? OVERHEAD_FLOAT16 : OVERHEAD;
  }

  private static long size(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String gigabytes(long bytes) {
    return bytes >= 1e9
        ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9)
        : (bytes / 1_000_000) + " MB";
  }
}
