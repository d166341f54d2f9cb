package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.StepPlan;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Counts steps over a whole call, reports each to the listener of every request in it and checks
 * for cancellation before each. A call made of several requests ({@link
 * dev.unclipstudio.pipeline.TextToImageBatch}) stops only once every request is cancelled: a
 * cancelled request gets no more events, and its rows go on with the others, since dropping them
 * would change the shapes of the others' calls.
 */
public final class Progress {

  /**
   * One request of the call.
   *
   * @param firstImage the batch index of its first image, whose x0 its previews show
   */
  public record Member(StepListener listener, CancellationToken cancellation, int firstImage) {

    public Member {
      listener = listener == null ? StepListener.NONE : listener;
      cancellation = cancellation == null ? CancellationToken.NEVER : cancellation;
    }
  }

  private final List<Member> members;
  private final StepPlan plan;
  private int overallStep;

  /** Creates the progress of a call once its stages and their steps are known. */
  @FunctionalInterface
  public interface Factory {
    Progress create(StepPlan plan);

    /** A call of one request. */
    static Factory of(StepListener listener, CancellationToken cancellation) {
      return of(List.of(new Member(listener, cancellation, 0)));
    }

    static Factory of(List<Member> members) {
      List<Member> copy = List.copyOf(members);
      return plan -> new Progress(copy, plan);
    }
  }

  private Progress(List<Member> members, StepPlan plan) {
    this.members = members;
    this.plan = plan;
  }

  /**
   * Throws {@link dev.unclipstudio.pipeline.CancelledException} once every request of the call is
   * cancelled.
   */
  public void checkCancelled(Stage stage, int step) {
    for (Member m : members) {
      if (!m.cancellation().isCancelled()) {
        return;
      }
    }
    members.get(0).cancellation().throwIfCancelled(stage.key() + " step " + (step + 1));
  }

  /**
   * @param preview x0 of the batch image at an index, computed only when a listener asks
   */
  public void stepDone(Stage stage, int step, int stageSteps, IntFunction<RgbImage> preview) {
    overallStep++;
    for (Member m : members) {
      if (!m.cancellation().isCancelled()) {
        m.listener()
            .onStep(
                new StepEvent(
                    stage,
                    step + 1,
                    stageSteps,
                    overallStep,
                    plan,
                    () -> preview.apply(m.firstImage())));
      }
    }
  }
}
