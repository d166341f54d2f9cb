package dev.unclipstudio.worker;

import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.LeaseState;
import dev.unclipstudio.job.QueueException;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StepEvent;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import java.time.Duration;
import java.util.Map;

/**
 * Turns engine step events into job-row updates at most every {@code progressInterval}, with a
 * preview at most every {@code previewInterval}: writing every step would cost more than the tiny
 * models' steps themselves.
 */
final class ProgressReporter implements StepListener {

  private final JobQueue queue;
  private final JobControl control;
  private final WorkerMetrics metrics;
  private final long progressNanos;
  private final long previewNanos;
  private long lastWrite;
  private long lastPreview;

  private Stage stage;
  private long stageStarted = System.nanoTime();

  ProgressReporter(
      JobQueue queue,
      JobControl control,
      WorkerMetrics metrics,
      Duration progressInterval,
      Duration previewInterval) {
    this.metrics = metrics;
    this.queue = queue;
    this.control = control;
    this.progressNanos = progressInterval.toNanos();
    this.previewNanos = previewInterval.toNanos();
    this.lastWrite = System.nanoTime() - progressNanos;
    this.lastPreview = System.nanoTime();
  }

  @Override
  public void onStep(StepEvent event) {
    long now = System.nanoTime();
    if (event.stage() != stage) {
      stage = event.stage();
      stageStarted = now;
    }
    boolean stageEnd = event.step() == event.stageSteps();
    if (stageEnd) {
      metrics.stage(stage.key(), now - stageStarted);
    }
    if (now - lastWrite < progressNanos && !stageEnd) {
      return;
    }
    lastWrite = now;
    byte[] preview = null;
    if (now - lastPreview >= previewNanos || stageEnd) {
      lastPreview = now;
      RgbImage image = event.preview().get();
      preview = image == null ? null : PngCodec.encode(image, Map.of());
    }
    double progress =
        event.overallSteps() == 0 ? 0 : (double) event.overallStep() / event.overallSteps();
    LeaseState state;
    try {
      state =
          queue.reportProgress(
              control.lease(),
              event.stage().key(),
              event.step(),
              event.stageSteps(),
              progress,
              preview);
    } catch (QueueException e) {
      // Progress is best effort: a database blip must not cost the job. The lease decides who owns
      // it.
      return;
    }
    if (state == LeaseState.CANCEL_REQUESTED) {
      control.stop(JobControl.Reason.CANCELLED);
    } else if (state == LeaseState.LOST) {
      control.stop(JobControl.Reason.LEASE_LOST);
    }
  }
}
