package dev.unclipstudio.cli;

import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn in place on the terminal (stderr), and at the end the time each
 * stage took (from the previous stage's last step to its own: model loading in low-memory mode and
 * the text encoder count towards the next stage).
 */
final class ProgressBar implements StepListener {

  private static final int WIDTH = 30;
  private final PrintStream err;
  private final LongSupplier nanoClock;
  private final Map<String, long[]> stages = new LinkedHashMap<>(); // label -> {nanos, steps}
  private long last;

  ProgressBar(PrintStream err, LongSupplier nanoClock) {
    this.err = err;
    this.nanoClock = nanoClock;
    this.last = nanoClock.getAsLong();
  }

  @Override
  public void onStep(StepEvent e) {
    long now = nanoClock.getAsLong();
    long[] stage = stages.computeIfAbsent(e.stage().label(), k -> new long[2]);
    stage[0] += now - last;
    stage[1] = e.stageSteps();
    last = now;
    int filled = e.overallSteps() == 0 ? WIDTH : WIDTH * e.overallStep() / e.overallSteps();
    err.printf(
        "\r[%s%s] %3d/%d %s %d/%d   ",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        e.overallStep(),
        e.overallSteps(),
        e.stage().label(),
        e.step(),
        e.stageSteps());
    if (e.overallStep() == e.overallSteps()) {
      err.println();
      stages.forEach(
          (label, t) ->
              err.printf(
                  Locale.ROOT,
                  "  %s: %d steps in %.1f s (%.2f s/step)%n",
                  label,
                  t[1],
                  t[0] / 1e9,
                  t[0] / 1e9 / Math.max(1, t[1])));
      stages.clear();
    }
    err.flush();
  }
}
