package dev.unclipstudio.bench;

import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.TextToImageBatch;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Images/s of one-image text-to-image jobs (each its own prompt and seed, the pack's default steps)
 * run one at a time and as engine batches of 2 and 4 ({@code studio.worker.batch-images}). The
 * batch sizes take turns within each round, so a busy neighbour on the machine slows all of them
 * alike; prints the median of the rounds, in images per wall-clock second and per CPU second of
 * this process (the second hardly moves when another process shares the cores). A program, not a
 * test: bench/batch.sh runs it in a JVM of its own.
 */
public final class BatchBenchmark {

  private static final int JOBS = 4;
  private static final int[] BATCH_SIZES = {1, 2, 4};

  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private BatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(System.getenv().getOrDefault("UNCLIP_BENCH_ROUNDS", "5"));
    String threads = System.getenv().getOrDefault("UNCLIP_BENCH_THREADS", "0");
    try (Engine engine =
        Engine.open(
            ModelPack.readManifest(Fixtures.requireTinyPack()),
            EngineOptions.cpu().withIntraOpThreads(Integer.parseInt(threads)))) {
      List<TextToImageRequest> jobs = new ArrayList<>();
      for (int j = 0; j < JOBS; j++) {
        jobs.add(
            new TextToImageRequest(PROMPTS[j % PROMPTS.length], List.of(100L + j), null, null));
      }
      for (int b : BATCH_SIZES) { // warm-up: the JIT and each batch size's buffers
        runAll(engine, jobs, b);
      }
      Map<Integer, double[]> perSecond = new LinkedHashMap<>();
      Map<Integer, double[]> perCpuSecond = new LinkedHashMap<>();
      for (int b : BATCH_SIZES) {
        perSecond.put(b, new double[rounds]);
        perCpuSecond.put(b, new double[rounds]);
      }
      for (int r = 0; r < rounds; r++) {
        for (int b : BATCH_SIZES) {
          long start = System.nanoTime();
          long cpuStart = CPU.getProcessCpuTime();
          runAll(engine, jobs, b);
          perSecond.get(b)[r] = JOBS / ((System.nanoTime() - start) / 1e9);
          perCpuSecond.get(b)[r] = JOBS / ((CPU.getProcessCpuTime() - cpuStart) / 1e9);
        }
      }
      for (int b : BATCH_SIZES) {
        double[] wall = perSecond.get(b);
        double[] cpu = perCpuSecond.get(b);
        System.out.printf(
            "BENCH batch-size=%d jobs=%d images/s median=%.2f (%.2f-%.2f) x%.2f of batch 1;"
                + " images per CPU-second median=%.2f (%.2f-%.2f) x%.2f%n",
            b,
            JOBS,
            median(wall),
            Arrays.stream(wall).min().orElseThrow(),
            Arrays.stream(wall).max().orElseThrow(),
            median(wall) / median(perSecond.get(1)),
            median(cpu),
            Arrays.stream(cpu).min().orElseThrow(),
            Arrays.stream(cpu).max().orElseThrow(),
            median(cpu) / median(perCpuSecond.get(1)));
      }
    }
  }

  private static final String[] PROMPTS = {
    "a red circle in the top left corner",
    "two blue squares",
    "a small green triangle at the bottom",
    "a large yellow circle",
  };

  /** Every job once, {@code batch} at a time. */
  private static void runAll(Engine engine, List<TextToImageRequest> jobs, int batch) {
    for (int from = 0; from < jobs.size(); from += batch) {
      List<TextToImageBatch.Member> members =
          jobs.subList(from, Math.min(jobs.size(), from + batch)).stream()
              .map(r -> new TextToImageBatch.Member(r, null, null))
              .toList();
      engine.textToImage(new TextToImageBatch(members));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
