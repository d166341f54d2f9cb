package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.function.Supplier;

/**
 * Counts steps over a whole request, reports each to the listener and checks for cancellation
 * before each.
 */
public final class Progress {

  private final StepListener listener;
  private final CancellationToken cancellation;
  private final int overallSteps;
  private int overallStep;

  /** Creates the progress of a request once its total number of steps is known. */
  @FunctionalInterface
  public interface Factory {
    Progress create(int overallSteps);

    static Factory of(StepListener listener, CancellationToken cancellation) {
      return total -> new Progress(listener, cancellation, total);
    }
  }

  public Progress(StepListener listener, CancellationToken cancellation, int overallSteps) {
    this.listener = listener == null ? StepListener.NONE : listener;
    this.cancellation = cancellation == null ? CancellationToken.NEVER : cancellation;
    this.overallSteps = overallSteps;
  }

  /** Throws {@link dev.unclipstudio.pipeline.CancelledException} when the request was cancelled. */
  public void checkCancelled(Stage stage, int step) {
    cancellation.throwIfCancelled(stage.key() + " step " + (step + 1));
  }

  public void stepDone(Stage stage, int step, int stageSteps, Supplier<RgbImage> preview) {
    overallStep++;
    listener.onStep(new StepEvent(stage, step + 1, stageSteps, overallStep, overallSteps, preview));
  }
}
