package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepPlan;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Progress weighed by stage costs and a time left that only counts down, on a clock the test moves.
 */
class ProgressEstimateTest {

  private static final long SECOND = 1_000_000_000L;
  private static final StepPlan PLAN =
      StepPlan.NONE.then(Stage.PRIOR, 10).then(Stage.DECODER, 10).then(Stage.SUPER_RES, 5);

  private final AtomicLong clock = new AtomicLong(42 * SECOND);

  @Test
  void eachStageWeighsItsStepsByWhatAStepOfItCosts() {
    // measured: a prior step 10 ms, a decoder step 80 ms, a super-res step 100 ms (per image)
    ProgressEstimate measured =
        new ProgressEstimate(
            Map.of(Stage.PRIOR, 10.0, Stage.DECODER, 80.0, Stage.SUPER_RES, 100.0), 2, clock::get);
    // whole job: 100 + 800 + 500 = 1400
    assertEquals(100 / 1400.0, measured.share(PLAN, Stage.PRIOR, 10), 1e-9);
    assertEquals(500 / 1400.0, measured.share(PLAN, Stage.DECODER, 5), 1e-9);
    assertEquals(1.0, measured.share(PLAN, Stage.SUPER_RES, 5), 1e-9);
    // counting steps alike would have said 10 of 25 after the prior
    assertTrue(measured.share(PLAN, Stage.PRIOR, 10) < 0.1);
  }

  @Test
  void withoutAMeasurementOfEveryStageTheFixedDefaultsWeighAllOfThem() {
    ProgressEstimate partly = new ProgressEstimate(Map.of(Stage.PRIOR, 1.0), 1, clock::get);
    ProgressEstimate none = new ProgressEstimate(Map.of(), 1, clock::get);
    double total = 2_000.0 * 10 + 6_200.0 * 10 + 44_000.0 * 5;
    assertEquals(20_000 / total, none.share(PLAN, Stage.PRIOR, 10), 1e-9);
    assertEquals(
        none.share(PLAN, Stage.DECODER, 3), partly.share(PLAN, Stage.DECODER, 3), 1e-12, "no mix");
  }

  @Test
  void measuredCostsGiveATimeLeftBeforeTheFirstStepAndThePaceTakesOver() {
    // 10 ms per prior step per image, 2 images: 0.2 s prior, 1.6 s decoder, 1 s super-res = 2.8 s
    ProgressEstimate estimate =
        new ProgressEstimate(
            Map.of(Stage.PRIOR, 10.0, Stage.DECODER, 80.0, Stage.SUPER_RES, 100.0), 2, clock::get);
    assertEquals(Optional.of(Duration.ofMillis(2_800)), estimate.remaining(PLAN, 0));
    // at the end only the pace counts: half done after 2 s -> 2 s more... but never later than
    // the measured end (2.8 s from the start, 0.8 s from now)
    clock.addAndGet(2 * SECOND);
    assertEquals(Optional.of(Duration.ofMillis(800)), estimate.remaining(PLAN, 0.5));
  }

  @Test
  void theTimeLeftOnlyCountsDownWhateverThePaceDoes() {
    ProgressEstimate estimate = new ProgressEstimate(Map.of(), 1, clock::get);
    assertEquals(Optional.empty(), estimate.remaining(PLAN, 0.01), "too little done to tell");
    clock.addAndGet(10 * SECOND);
    assertEquals(Optional.of(Duration.ofSeconds(90)), estimate.remaining(PLAN, 0.1));
    // the job slows down: its pace now says 100 s more; the page keeps counting down
    clock.addAndGet(10 * SECOND);
    Duration slowed = estimate.remaining(PLAN, 0.15).orElseThrow();
    assertEquals(Duration.ofSeconds(80), slowed);
    // it speeds up: the end comes closer at once
    clock.addAndGet(10 * SECOND);
    assertEquals(Optional.of(Duration.ofSeconds(30)), estimate.remaining(PLAN, 0.5));
    // the time runs out before the job does: zero, which the pages say as "finishing"
    clock.addAndGet(40 * SECOND);
    assertEquals(Optional.of(Duration.ZERO), estimate.remaining(PLAN, 0.9));
  }
}
