package dev.unclipstudio.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Noise from one seed per image: every (image, stage) pair has its own stream split off from the
 * image's seed, so an image depends only on its seed, whatever else shares its batch. Not
 * thread-safe: one instance per request.
 */
public final class SeededNoise implements NoiseSource {

  private final List<Long> seeds;
  private final Map<Stage, SplittableRandom[]> streams = new EnumMap<>(Stage.class);

  public SeededNoise(List<Long> seeds) {
    this.seeds = List.copyOf(seeds);
  }

  @Override
  public void initial(Stage stage, int batch, double[] into) {
    draw(stage, batch, into);
  }

  @Override
  public void step(Stage stage, int step, int batch, double[] into) {
    draw(stage, batch, into);
  }

  private void draw(Stage stage, int batch, double[] into) {
    if (batch != seeds.size()) {
      throw new IllegalArgumentException(
          "noise for " + batch + " images requested, seeds given for " + seeds.size());
    }
    SplittableRandom[] perStage =
        streams.computeIfAbsent(
            stage,
            s -> {
              SplittableRandom[] r = new SplittableRandom[seeds.size()];
              for (int b = 0; b < r.length; b++) {
                r[b] = new SplittableRandom(mix(seeds.get(b), s.noiseStream()));
              }
              return r;
            });
    int perImage = into.length / batch;
    for (int b = 0; b < batch; b++) {
      SplittableRandom random = perStage[b];
      for (int i = b * perImage, end = i + perImage; i < end; i++) {
        into[i] = random.nextGaussian();
      }
    }
  }

  /**
   * SplitMix64 finaliser over seed and stage, so nearby seeds and stages give unrelated streams.
   */
  private static long mix(long seed, int stage) {
    long z = seed * 0x9E3779B97F4A7C15L + stage;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
