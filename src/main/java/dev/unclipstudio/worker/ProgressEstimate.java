package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepPlan;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A running job's share done and time left. Each stage weighs its steps by what a step of it costs
 * (a super-resolution step costs many prior steps), measured per pack ({@link StageCosts}); the
 * time left starts from those measurements and moves to the job's own pace as it goes, and only
 * ever counts down: a new estimate may bring the end closer, never push it away.
 */
final class ProgressEstimate {

  /**
   * Milliseconds per step and image while a pack has no measurement of every stage it runs: Karlo's
   * and GLIDE's stages at full size on a 2-core CPU (README, "What they need"). Only their ratios
   * are used, for the weights; the time left then comes from the job's pace alone.
   */
  static final Map<Stage, Double> DEFAULT_MILLIS_PER_STEP =
      Map.of(
          Stage.PRIOR, 2_000.0,
          Stage.DECODER, 6_200.0,
          Stage.SUPER_RES, 44_000.0,
          Stage.INPAINT_BASE, 2_600.0,
          Stage.INPAINT_UPSAMPLER, 6_900.0);

  /** Below this share done, a job's pace says too little to estimate from it alone. */
  static final double MIN_SHARE_FOR_PACE = 0.02;

  private final Map<Stage, Double> measured;
  private final int images;
  private final LongSupplier nanos;
  private final long started;
  private Long finish; // on the nanos clock; null until the first estimate

  /**
   * @param measured the pack's milliseconds per step and image by stage (possibly incomplete)
   * @param images the job's images (stages run them as one batch)
   * @param nanos the clock, {@code System::nanoTime} outside tests; the job starts at its first
   *     read
   */
  ProgressEstimate(Map<Stage, Double> measured, int images, LongSupplier nanos) {
    this.measured = Map.copyOf(measured);
    this.images = images;
    this.nanos = nanos;
    this.started = nanos.getAsLong();
  }

  /** The share of the job done after {@code step} steps of {@code stage}: 0 to 1. */
  double share(StepPlan plan, Stage stage, int step) {
    Map<Stage, Double> cost = costsFor(plan);
    double total = 0;
    double done = 0;
    boolean before = true;
    for (Map.Entry<Stage, Integer> s : plan.steps().entrySet()) {
      double stageCost = cost.get(s.getKey()) * s.getValue();
      total += stageCost;
      if (s.getKey() == stage) {
        done += cost.get(stage) * Math.min(step, s.getValue());
        before = false;
      } else if (before) {
        done += stageCost;
      }
    }
    return total == 0 ? 0 : Math.min(1, done / total);
  }

  /**
   * Time left once {@code share} of the job is done, never more than the previous answer less the
   * time since; empty while nothing tells yet (no measurements and too little done).
   */
  Optional<Duration> remaining(StepPlan plan, double share) {
    long now = nanos.getAsLong();
    Optional<Double> left = estimateNanos(plan, share, now - started);
    if (left.isPresent()) {
      long candidate = now + Math.round(left.get());
      finish = finish == null ? candidate : Math.min(finish, candidate);
    }
    return finish == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, finish - now)));
  }

  /**
   * From the measured costs at the start, from the job's own pace at the end, and a blend between
   * (weighted by the share done): the measurements know the stages, the pace knows this machine.
   */
  private Optional<Double> estimateNanos(StepPlan plan, double share, long elapsed) {
    Optional<Double> byCosts = measuredTotalNanos(plan).map(total -> total * (1 - share));
    Optional<Double> byPace =
        share >= MIN_SHARE_FOR_PACE ? Optional.of(elapsed / share * (1 - share)) : Optional.empty();
    if (byCosts.isPresent() && byPace.isPresent()) {
      return Optional.of((1 - share) * byCosts.get() + share * byPace.get());
    }
    return byCosts.or(() -> byPace);
  }

  /** The job's whole run by the measurements, when every stage it runs is measured. */
  private Optional<Double> measuredTotalNanos(StepPlan plan) {
    if (!measured.keySet().containsAll(plan.steps().keySet())) {
      return Optional.empty();
    }
    double millis = 0;
    for (Map.Entry<Stage, Integer> s : plan.steps().entrySet()) {
      millis += measured.get(s.getKey()) * s.getValue() * images;
    }
    return Optional.of(millis * 1e6);
  }

  /**
   * Measured costs when every stage of the plan has one, else the defaults: never a mix of both.
   */
  private Map<Stage, Double> costsFor(StepPlan plan) {
    return measured.keySet().containsAll(plan.steps().keySet())
        ? measured
        : DEFAULT_MILLIS_PER_STEP;
  }
}
