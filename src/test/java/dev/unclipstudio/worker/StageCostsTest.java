package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stage costs go into {@code stage_cost} and come back per pack. {@link StageCosts#of} answers
 * empty on any database error and progress then falls back to fixed weights without a word, so a
 * broken statement would only show as a lying progress bar: this reads back what was written.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class StageCostsTest {

  @Inject StageCosts costs;
  @Inject Sql sql;

  @BeforeEach
  void clean() {
    sql.execute("DELETE FROM stage_cost WHERE pack_name LIKE 'pack-%'");
  }

  @Test
  void measurementsComeBackForTheirPackAndStageOnly() {
    costs.record("pack-a", Stage.DECODER, 10);
    costs.record("pack-a", Stage.DECODER, 20);
    costs.record("pack-a", Stage.SUPER_RES, 400);
    costs.record("pack-b", Stage.DECODER, 7);

    assertEquals(Map.of(Stage.DECODER, 15.0, Stage.SUPER_RES, 400.0), costs.of("pack-a"));
    assertEquals(Map.of(Stage.DECODER, 7.0), costs.of("pack-b"));
    assertTrue(costs.of("never-measured").isEmpty(), "no measurement: the fixed weights apply");
  }

  @Test
  void afterFiveMeasurementsEachNewOneWeighsAFifth() {
    for (int i = 0; i < 5; i++) {
      costs.record("pack-a", Stage.PRIOR, 10);
    }
    costs.record("pack-a", Stage.PRIOR, 60);
    assertEquals(20.0, costs.of("pack-a").get(Stage.PRIOR), 1e-9);
    assertEquals(6, sql.number("SELECT samples FROM stage_cost WHERE pack_name = 'pack-a'"));
  }

  @Test
  void aStageThisVersionDoesNotKnowIsSkipped() {
    // written by a newer version of the studio sharing the database
    sql.execute(
        "INSERT INTO stage_cost (pack_name, stage, millis_per_step, samples)"
            + " VALUES ('pack-a', 'some_future_stage', 3, 1)");
    costs.record("pack-a", Stage.PRIOR, 5);
    assertEquals(Map.of(Stage.PRIOR, 5.0), costs.of("pack-a"));
  }
}
