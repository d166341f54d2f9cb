package dev.unclipstudio.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.NoiseSource;
import java.util.Arrays;

/** Replays the initial latents and per-step noise recorded in a pipeline fixture's {@code stages}. */
public final class FixtureNoise implements NoiseSource {

  private final JsonNode stages;

  public FixtureNoise(JsonNode stages) {
    this.stages = stages;
  }

  @Override
  public double[] initial(String stage, int batch, int perImage) {
    return checked(FixtureTensor.of(stage(stage).get("x_T")).doubles(), stage, batch, perImage);
  }

  @Override
  public double[] step(String stage, int step, int batch, int perImage) {
    return checked(FixtureTensor.of(stage(stage).get("noise").get(step)).doubles(), stage, batch, perImage);
  }

  /** The original timesteps the reference used for a stage, in sampling order. */
  public int[] timesteps(String stage) {
    return Fixtures.ints(stage(stage).get("timesteps"));
  }

  private JsonNode stage(String stage) {
    JsonNode s = stages.get(stage);
    if (s == null) throw new IllegalStateException("fixture has no noise for stage " + stage);
    return s;
  }

  private static double[] checked(double[] values, String stage, int batch, int perImage) {
    if (values.length != batch * perImage) {
      throw new IllegalStateException("fixture noise for " + stage + " has " + values.length + " values, expected "
          + batch + " x " + perImage);
    }
    return Arrays.copyOf(values, values.length);
  }
}
