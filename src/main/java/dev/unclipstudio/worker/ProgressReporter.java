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
import java.util.function.LongSupplier;

/**
 * Turns engine step events into job-row updates at most every {@code progressInterval}, with a
 * preview at most every {@code previewInterval}: writing every step would cost more than the tiny
 * models' steps themselves.
 */
final class ProgressReporter implements StepListener {

  private final JobQueue queue;
  private final JobControl control;
  private final WorkerMetrics metrics;
  private final StageCosts costs;
  private final String pack;
  private final int images;
  private final ProgressEstimate estimate;
  private final LongSupplier nanos;
  private final long progressNanos;
  private final long previewNanos;
  private long lastWrite;
  private long lastPreview;

  private Stage stage;
  private long stageStarted;
  private long lastStep;

  /**
   * @param pack the job's pack, whose stage costs weigh its progress
   * @param images the job's images
   */
  ProgressReporter(
      JobQueue queue,
      JobControl control,
      WorkerMetrics metrics,
      StageCosts costs,
      String pack,
      int images,
      Duration progressInterval,
      Duration previewInterval) {
    this.metrics = metrics;
    this.queue = queue;
    this.control = control;
    this.costs = costs;
    this.pack = pack;
    this.images = images;
    this.nanos = System::nanoTime;
    this.estimate = new ProgressEstimate(costs.of(pack), images, nanos);
    this.progressNanos = progressInterval.toNanos();
    this.previewNanos = previewInterval.toNanos();
    this.lastStep = nanos.getAsLong();
    this.lastWrite = lastStep - progressNanos;
    this.lastPreview = lastStep;
  }

  @Override
  public void onStep(StepEvent event) {
    long now = nanos.getAsLong();
    if (event.stage() != stage) {
      // a stage starts where the previous one's last step ended (the first one when the job did)
      stage = event.stage();
      stageStarted = lastStep;
    }
    lastStep = now;
    boolean stageEnd = event.step() == event.stageSteps();
    if (stageEnd) {
      metrics.stage(stage.key(), now - stageStarted);
      recordCost(now - stageStarted, event.stageSteps());
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
    double progress = estimate.share(event.plan(), event.stage(), event.step());
    Duration left = estimate.remaining(event.plan(), progress).orElse(null);
    LeaseState state;
    try {
      state =
          queue.reportProgress(
              control.lease(),
              event.stage().key(),
              event.step(),
              event.stageSteps(),
              progress,
              left,
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

  /** Best effort like progress: a measurement lost to a database blip is one of many. */
  private void recordCost(long stageNanos, int steps) {
    try {
      costs.record(pack, stage, stageNanos / 1e6 / steps / images);
    } catch (QueueException e) {
      // the weights stay as they were
    }
  }
}
