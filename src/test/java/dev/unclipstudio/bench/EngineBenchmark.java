package dev.unclipstudio.bench;

import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.InpaintRequest;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.VariationRequest;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.onnx.OrtTime;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall-clock timings of the engine on a pack with its default steps. Prints one line per
 * measurement: what, images, total ms (the median of the runs), ms per image, the share of the time
 * spent outside ONNX Runtime, and time per stage. A program, not a test: bench/bench.sh runs it in
 * a JVM of its own, since a build tool's JVM busy beside it skews the first rows.
 *
 * <p>With {@code --serve} it times nothing by itself: it answers "READY", then runs one request per
 * line read from standard input ("text-to-image 4": pipeline and images) and answers each with one
 * "RAN" line, so that bench/compare.py can interleave its runs with the PyTorch reference's and
 * give both sides the same warm-up.
 */
public final class EngineBenchmark {

  private static final int REPEATS = 5;
  private static final int WARM_UP = 3;

  private EngineBenchmark() {}

  public static void main(String[] args) throws Exception {
    String threads = System.getenv().getOrDefault("UNCLIP_BENCH_THREADS", "0");
    long start = System.nanoTime();
    try (Engine engine =
        Engine.open(
            ModelPack.readManifest(Fixtures.requireTinyPack()),
            EngineOptions.cpu().withIntraOpThreads(Integer.parseInt(threads)))) {
      System.out.printf(
          "BENCH open-engine pack=%s device=%s %.0f ms%n",
          engine.pack().name(), engine.device(), (System.nanoTime() - start) / 1e6);
      RgbImage source =
          engine
              .textToImage(
                  new TextToImageRequest("a red circle", List.of(1L), null, null), null, null)
              .get(0)
              .image();
      System.out.printf("BENCH peak-rss-before %s%n", peakRss());
      if (Arrays.asList(args).contains("--serve")) {
        serve(engine, source);
        System.out.printf("BENCH peak-rss-after %s%n", peakRss());
        return;
      }
      // every pipeline a few times untimed first, so the JIT has compiled the shared code before
      // anything is timed
      // (a studio worker runs warm)
      for (int i = 0; i < WARM_UP; i++) {
        pipelines(engine, source, 1).values().forEach(r -> r.run(null));
      }
      for (int batch : new int[] {1, 4, 8}) {
        pipelines(engine, source, batch).forEach((what, run) -> time(what, batch, run));
      }
      System.out.printf("BENCH peak-rss-after %s%n", peakRss());
    }
  }

  private static Map<String, Run> pipelines(Engine engine, RgbImage source, int batch) {
    List<Long> seeds = java.util.stream.LongStream.range(0, batch).boxed().toList();
    Map<String, Run> runs = new LinkedHashMap<>();
    runs.put(
        "text-to-image",
        l ->
            engine.textToImage(
                new TextToImageRequest(
                    "a large red circle in the top left corner", seeds, null, null),
                l,
                null));
    runs.put(
        "variations",
        l -> engine.variations(new VariationRequest(source, null, seeds, null), l, null));
    if (engine.pack().hasInpainting()) {
      int size = engine.pack().imageSize();
      boolean[] keep = new boolean[size * size];
      for (int i = 0; i < keep.length; i++) {
        keep[i] = i % size < size / 2;
      }
      RgbImage mask = Fixtures.paintedMask(keep, size);
      runs.put(
          "inpaint",
          l ->
              engine.inpaint(
                  new InpaintRequest(source, mask, "a blue square", seeds, null), l, null));
    }
    return runs;
  }

  /** The JVM's peak resident memory so far (VmHWM), as the kernel reports it. */
  static String peakRss() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmHWM"))
          .findFirst()
          .orElse("VmHWM: ?")
          .replaceAll("\\s+", " ");
    } catch (java.io.IOException e) {
      return "VmHWM: ?";
    }
  }

  private interface Run {
    Object run(StepListener listener);
  }

  /** One run: wall time, share outside ONNX Runtime, time per stage. */
  private record Measured(double ms, double outsidePercent, Map<String, Double> stageMs) {}

  private static Measured measure(Run run) {
    Map<String, Double> stageMs = new LinkedHashMap<>();
    long[] last = {System.nanoTime()};
    long begin = last[0];
    long ortBefore = OrtTime.nanos();
    run.run(
        (StepEvent e) -> {
          long now = System.nanoTime();
          stageMs.merge(e.stage().key(), (now - last[0]) / 1e6, Double::sum);
          last[0] = now;
        });
    long wall = System.nanoTime() - begin;
    return new Measured(
        wall / 1e6, 100 * (1 - (OrtTime.nanos() - ortBefore) / (double) wall), stageMs);
  }

  /** The --serve loop: one "pipeline images" request per line, until an empty line or the end. */
  private static void serve(Engine engine, RgbImage source) throws java.io.IOException {
    var in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    System.out.println("READY java");
    System.out.flush();
    for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
      String[] request = line.trim().split("\\s+");
      int batch = Integer.parseInt(request[1]);
      Run run = pipelines(engine, source, batch).get(request[0]);
      if (run == null) {
        throw new IllegalArgumentException("unknown pipeline: " + request[0]);
      }
      Measured m = measure(run);
      StringBuilder stages = new StringBuilder();
      m.stageMs().forEach((k, v) -> stages.append(String.format(" %s=%.1fms", k, v)));
      System.out.printf(
          "RAN %s images=%d ms=%.1f outside-ort=%.1f%%%s%n",
          request[0], batch, m.ms(), m.outsidePercent(), stages);
      System.out.flush();
    }
  }

  /**
   * Median wall time over the runs (one descheduled run moves a mean, not a median); the share
   * outside ONNX Runtime as the median of the runs' shares with their range, since on a shared
   * 2-core machine one descheduled run can double one run's share; time per stage as the mean.
   */
  private static void time(String what, int batch, Run run) {
    run.run(null); // warm-up
    Map<String, Double> stageMs = new LinkedHashMap<>();
    double[] wall = new double[REPEATS];
    double[] outside = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      Measured m = measure(run);
      wall[r] = m.ms();
      outside[r] = m.outsidePercent();
      m.stageMs().forEach((k, v) -> stageMs.merge(k, v / REPEATS, Double::sum));
    }
    Arrays.sort(wall);
    Arrays.sort(outside);
    double ms = wall[REPEATS / 2];
    StringBuilder stages = new StringBuilder();
    stageMs.forEach((k, v) -> stages.append(String.format(" %s=%.0fms", k, v)));
    System.out.printf(
        "BENCH %-14s images=%d total=%.0f ms per-image=%.0f ms images/s=%.2f outside-ort=%.1f%%"
            + " (%.1f-%.1f)%s%n",
        what,
        batch,
        ms,
        ms / batch,
        batch * 1000 / ms,
        outside[REPEATS / 2],
        outside[0],
        outside[REPEATS - 1],
        stages);
  }
}
