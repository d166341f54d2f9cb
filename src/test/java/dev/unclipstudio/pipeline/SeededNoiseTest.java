package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededNoiseTest {

  @Test
  void eachImagesNoiseDependsOnlyOnItsSeed() {
    double[] alone = new SeededNoise(List.of(42L)).initial("decoder", 1, 5);
    double[] second = Arrays.copyOfRange(new SeededNoise(List.of(7L, 42L)).initial("decoder", 2, 5), 5, 10);
    assertArrayEquals(alone, second);
  }

  @Test
  void stagesAndStepsDrawFromSeparateStreams() {
    SeededNoise noise = new SeededNoise(List.of(1L));
    double[] prior = noise.initial("prior", 1, 4);
    double[] decoder = noise.initial("decoder", 1, 4);
    double[] step0 = noise.step("decoder", 0, 1, 4);
    assertFalse(Arrays.equals(prior, decoder));
    assertFalse(Arrays.equals(decoder, step0));
    assertArrayEquals(decoder, new SeededNoise(List.of(1L)).initial("decoder", 1, 4));
  }

  @Test
  void noiseIsRoughlyStandardNormal() {
    double[] z = new SeededNoise(List.of(3L)).initial("decoder", 1, 100_000);
    double mean = Arrays.stream(z).average().orElseThrow();
    double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    assertEquals(0, mean, 0.02);
    assertEquals(1, var, 0.02);
  }
}
