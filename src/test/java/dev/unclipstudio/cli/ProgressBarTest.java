package dev.unclipstudio.cli;

import static dev.unclipstudio.testing.Fixtures.assertContains;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The command line's summary of where the time went, per stage, on a clock the test moves. */
class ProgressBarTest {

  private static final StepPlan PLAN = StepPlan.NONE.then(Stage.PRIOR, 2).then(Stage.SUPER_RES, 2);

  @Test
  void eachStageIsCreditedTheTimeSinceThePreviousStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    ProgressBar bar =
        new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);
    clock.addAndGet(3_000_000_000L); // loading and the text encoder: counted with the first stage
    bar.onStep(new StepEvent(Stage.PRIOR, 1, 2, 1, PLAN, null));
    clock.addAndGet(1_000_000_000L);
    bar.onStep(new StepEvent(Stage.PRIOR, 2, 2, 2, PLAN, null));
    clock.addAndGet(10_000_000_000L);
    bar.onStep(new StepEvent(Stage.SUPER_RES, 1, 2, 3, PLAN, null));
    clock.addAndGet(10_000_000_000L);
    bar.onStep(new StepEvent(Stage.SUPER_RES, 2, 2, 4, PLAN, null));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertContains(out, Stage.PRIOR.label() + ": 2 steps in 4.0 s (2.00 s/step)");
    assertContains(out, Stage.SUPER_RES.label() + ": 2 steps in 20.0 s (10.00 s/step)");
  }
}
