package dev.unclipstudio.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stages a request will run, in order, with the steps of each: known before the first step, so
 * that progress can weigh each stage by its cost instead of counting every step alike (a decoder
 * step costs many prior steps).
 *
 * @param steps stage → steps, in the order the stages run; stages of no steps left out
 */
public record StepPlan(Map<Stage, Integer> steps) {

  public StepPlan {
    steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
  }

  /** The plan of nothing, to add stages to with {@link #then}. */
  public static final StepPlan NONE = new StepPlan(Map.of());

  /**
   * This plan followed by {@code steps} steps of {@code stage} (added to the stage's steps when it
   * is in the plan already, as chained upsamplers are; left out when zero).
   */
  public StepPlan then(Stage stage, int steps) {
    Map<Stage, Integer> next = new LinkedHashMap<>(this.steps);
    if (steps > 0) {
      next.merge(stage, steps, Integer::sum);
    }
    return new StepPlan(next);
  }

  public int totalSteps() {
    return steps.values().stream().mapToInt(Integer::intValue).sum();
  }
}
