package dev.unclipstudio.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.Stage;

/**
 * Replays the initial latents and per-step noise recorded in a pipeline fixture's {@code stages}.
 */
public final class FixtureNoise implements NoiseSource {

  private final JsonNode stages;

  public FixtureNoise(JsonNode stages) {
    this.stages = stages;
  }

  @Override
  public void initial(Stage stage, int batch, double[] into) {
    copy(FixtureTensor.of(stage(stage).get("x_T")).doubles(), stage, into);
  }

  @Override
  public void step(Stage stage, int step, int batch, double[] into) {
    copy(FixtureTensor.of(stage(stage).get("noise").get(step)).doubles(), stage, into);
  }

  /** The original timesteps the reference used for a stage, in sampling order. */
  public int[] timesteps(Stage stage) {
    return Fixtures.ints(stage(stage).get("timesteps"));
  }

  /** Stages are found by their stable key, which the fixture scripts write. */
  private JsonNode stage(Stage stage) {
    JsonNode s = stages.get(stage.key());
    if (s == null) {
      throw new IllegalStateException("fixture has no noise for stage " + stage);
    }
    return s;
  }

  private static void copy(double[] values, Stage stage, double[] into) {
    if (values.length != into.length) {
      throw new IllegalStateException(
          "fixture noise for "
              + stage
              + " has "
              + values.length
              + " values, expected "
              + into.length);
    }
    System.arraycopy(values, 0, into, 0, values.length);
  }
}
