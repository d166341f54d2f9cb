package dev.unclipstudio.cli;

import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import java.io.PrintStream;

/** A one-line progress bar redrawn in place on the terminal (stderr). */
final class ProgressBar implements StepListener {

  private static final int WIDTH = 30;
  private final PrintStream err;

  ProgressBar(PrintStream err) {
    this.err = err;
  }

  @Override
  public void onStep(StepEvent e) {
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
    }
    err.flush();
  }
}
