package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededNoiseTest {

  private static double[] initial(SeededNoise noise, String stage, int batch, int perImage) {
    double[] x = new double[batch * perImage];
    noise.initial(stage, batch, x);
    return x;
  }

  @Test
  void eachImagesNoiseDependsOnlyOnItsSeed() {
    double[] alone = initial(new SeededNoise(List.of(42L)), "decoder", 1, 5);
    double[] second = Arrays.copyOfRange(initial(new SeededNoise(List.of(7L, 42L)), "decoder", 2, 5), 5, 10);
    assertArrayEquals(alone, second);
  }

  @Test
  void stagesAndStepsDrawFromSeparateStreams() {
    SeededNoise noise = new SeededNoise(List.of(1L));
    double[] prior = initial(noise, "prior", 1, 4);
    double[] decoder = initial(noise, "decoder", 1, 4);
    double[] step0 = new double[4];
    noise.step("decoder", 0, 1, step0);
    assertFalse(Arrays.equals(prior, decoder));
    assertFalse(Arrays.equals(decoder, step0));
    assertArrayEquals(decoder, initial(new SeededNoise(List.of(1L)), "decoder", 1, 4));
  }

  @Test
  void noiseIsRoughlyStandardNormal() {
    double[] z = initial(new SeededNoise(List.of(3L)), "decoder", 1, 100_000);
    double mean = Arrays.stream(z).average().orElseThrow();
    double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    assertEquals(0, mean, 0.02);
    assertEquals(1, var, 0.02);
  }
}
