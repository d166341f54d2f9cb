package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededNoiseTest {

  private static double[] initial(SeededNoise noise, Stage stage, int batch, int perImage) {
    double[] x = new double[batch * perImage];
    noise.initial(stage, batch, x);
    return x;
  }

  @Test
  void eachImagesNoiseDependsOnlyOnItsSeed() {
    double[] alone = initial(new SeededNoise(List.of(42L)), Stage.DECODER, 1, 5);
    double[] second =
        Arrays.copyOfRange(initial(new SeededNoise(List.of(7L, 42L)), Stage.DECODER, 2, 5), 5, 10);
    assertArrayEquals(alone, second);
  }

  @Test
  void stagesAndStepsDrawFromSeparateStreams() {
    SeededNoise noise = new SeededNoise(List.of(1L));
    double[] prior = initial(noise, Stage.PRIOR, 1, 4);
    double[] decoder = initial(noise, Stage.DECODER, 1, 4);
    double[] step0 = new double[4];
    noise.step(Stage.DECODER, 0, 1, step0);
    assertFalse(Arrays.equals(prior, decoder));
    assertFalse(Arrays.equals(decoder, step0));
    assertArrayEquals(decoder, initial(new SeededNoise(List.of(1L)), Stage.DECODER, 1, 4));
  }

  @Test
  void streamIdsAreFixedNumbersAndDistinct() {
    // Every stored seed's images depend on these: they may never change (PinnedImagesTest checks
    // the pixels).
    assertEquals(106934986, Stage.PRIOR.noiseStream());
    assertEquals(1542433860, Stage.DECODER.noiseStream());
    assertEquals(-332520996, Stage.SUPER_RES.noiseStream());
    assertEquals(1372910839, Stage.INPAINT_BASE.noiseStream());
    assertEquals(-850946393, Stage.INPAINT_UPSAMPLER.noiseStream());
    assertEquals(
        Stage.values().length,
        Arrays.stream(Stage.values()).mapToInt(Stage::noiseStream).distinct().count());
  }

  @Test
  void noiseIsRoughlyStandardNormal() {
    double[] z = initial(new SeededNoise(List.of(3L)), Stage.DECODER, 1, 100_000);
    double mean = Arrays.stream(z).average().orElseThrow();
    double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    assertEquals(0, mean, 0.02);
    assertEquals(1, var, 0.02);
  }
}
