package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The queue-wait estimate and the time left as the pages say them; no database needed. */
class QueueWaitTest {

  @Test
  void theWaitIsThePositionInRunsOfTheRecentMeanSharedByTheRunningWorkers() {
    assertEquals(
        Optional.of("It should start in about 1 min 30 s."), new QueueWait(3, 60, 2).note());
    assertEquals(Optional.of("It should start in about 40 s."), new QueueWait(1, 40, 1).note());
    assertEquals(
        Optional.of("It should start as soon as a worker is free."),
        new QueueWait(1, 0.2, 1).note());
  }

  @Test
  void withoutARunningWorkerOrAFinishedJobThereIsNoEstimate() {
    assertEquals(Optional.empty(), new QueueWait(2, 60, 0).note());
    assertEquals(Optional.empty(), new QueueWait(2, 0, 3).note());
  }

  @Test
  void aRunningJobSaysItsTimeLeftUntilItRunsOutThenFinishing() {
    OffsetDateTime now = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    Job job = new Job();
    job.status = JobStatus.RUNNING;
    assertEquals(null, JobView.eta(job, now), "unknown yet");
    job.etaAt = now.plusSeconds(75);
    assertEquals("about 1 min 15 s left", JobView.eta(job, now));
    assertEquals("about 5 s left", JobView.eta(job, now.plusSeconds(70)));
    assertEquals("finishing", JobView.eta(job, now.plusSeconds(75)));
    assertEquals("finishing", JobView.eta(job, now.plusSeconds(200)), "never \"0 s left\"");
    job.status = JobStatus.SUCCEEDED;
    assertEquals(null, JobView.eta(job, now));
  }
}
