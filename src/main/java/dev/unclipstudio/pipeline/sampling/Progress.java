package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.StepPlan;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.function.Supplier;

/**
 * Counts steps over a whole request, reports each to the listener and checks for cancellation
 * before each.
 */
public final class Progress {

  private final StepListener listener;
  private final CancellationToken cancellation;
  private final StepPlan plan;
  private int overallStep;

  /** Creates the progress of a request once its stages and their steps are known. */
  @FunctionalInterface
  public interface Factory {
    Progress create(StepPlan plan);

    static Factory of(StepListener listener, CancellationToken cancellation) {
      return plan -> new Progress(listener, cancellation, plan);
    }
  }

  public Progress(StepListener listener, CancellationToken cancellation, StepPlan plan) {
    this.listener = listener == null ? StepListener.NONE : listener;
    this.cancellation = cancellation == null ? CancellationToken.NEVER : cancellation;
    this.plan = plan;
  }

  /** Throws {@link dev.unclipstudio.pipeline.CancelledException} when the request was cancelled. */
  public void checkCancelled(Stage stage, int step) {
    cancellation.throwIfCancelled(stage.key() + " step " + (step + 1));
  }

  public void stepDone(Stage stage, int step, int stageSteps, Supplier<RgbImage> preview) {
    overallStep++;
    listener.onStep(new StepEvent(stage, step + 1, stageSteps, overallStep, plan, preview));
  }
}
