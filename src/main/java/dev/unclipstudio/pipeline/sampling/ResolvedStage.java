package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StageSettings;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.GuidanceLayout;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;

/**
 * A stage's request settings with the pack's defaults filled in, in the one place that does so: the
 * scheduler and guidance to sample with, and the settings to report with the images.
 */
public record ResolvedStage(
    UnclipScheduler scheduler, ClassifierFreeGuidance guidance, StageSettings settings) {

  /**
   * Stages that take no guidance ({@link Stage#guided()}) ignore any guidance scale and run at 1
   * (none).
   */
  public static ResolvedStage of(
      Stage stage, StageSpec spec, StageOverrides overrides, GuidanceLayout layout) {
    UnclipScheduler scheduler =
        UnclipScheduler.create(spec.scheduler().withSteps(overrides.steps()));
    double scale = 1.0;
    if (stage.guided() && overrides.guidanceScale() != null) {
      scale = overrides.guidanceScale();
    } else if (stage.guided() && spec.guidanceScale() != null) {
      scale = spec.guidanceScale();
    }
    return new ResolvedStage(
        scheduler,
        new ClassifierFreeGuidance(scale, layout),
        new StageSettings(stage, scheduler.numSteps(), scale));
  }

  public int steps() {
    return scheduler.numSteps();
  }
}
