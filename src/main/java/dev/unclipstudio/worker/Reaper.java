package dev.unclipstudio.worker;

import dev.unclipstudio.job.JobQueue;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Rescues jobs whose worker died; every instance runs it, and the UPDATE makes concurrent runs
 * harmless.
 */
@ApplicationScoped
public class Reaper {

  private final JobQueue queue;

  Reaper(JobQueue queue) {
    this.queue = queue;
  }

  @Scheduled(
      every = "${studio.queue.reaper-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void rescue() {
    queue.rescueExpired();
  }
}
