package dev.unclipstudio.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * What this instance's workers measure: time in the queue, time per stage, how jobs end, and how
 * often they look for work.
 */
@ApplicationScoped
public class WorkerMetrics {

  private final MeterRegistry registry;
  private final Timer wait;

  WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.wait =
        Timer.builder("studio.job.wait")
            .description("Time a job waited in the queue before a worker took it")
            .register(registry);
  }

  void waited(Duration duration) {
    wait.record(duration);
  }

  void stage(String stage, long nanos) {
    Timer.builder("studio.stage.duration")
        .description("Time spent in one pipeline stage of one job")
        .tag("stage", stage)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /**
   * A worker looked for work: claimed a job, found none, could not ask (database away), or saw it
   * is paused. Idle workers look every poll interval, so a count that stops rising means a stuck
   * worker.
   */
  void polled(String outcome) {
    Counter.builder("studio.worker.polls")
        .description("Times this instance's workers looked for work, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  void finished(String outcome) {
    Counter.builder("studio.jobs.finished")
        .description("Jobs this instance's workers ended, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
