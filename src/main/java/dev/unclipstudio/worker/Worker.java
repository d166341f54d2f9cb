package dev.unclipstudio.worker;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.DatabaseOutage;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.JobResults;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.pipeline.CancelledException;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.StepListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One worker thread on one device: claims a job of a pack it has open (or jobs that can share one
 * engine batch, up to {@code batchImages} images in all), runs it on its own engine for that pack
 * (sessions opened once), reports, repeats. A job that fails frees what it held and fails alone;
 * the worker goes on with the next. Losing the database is not the job's fault: its results are
 * stored once the database is back, or the job is left to the reaper, never FAILED.
 */
final class Worker implements Runnable {

  private static final Logger LOG = Logger.getLogger(Worker.class);

  /** First and longest wait between tries to store results while the database is away. */
  private static final Duration STORE_RETRY_FIRST = Duration.ofMillis(500);

  private static final Duration STORE_RETRY_MAX = Duration.ofSeconds(5);

  private final String name;
  private final WorkerEngines engines;
  private final JobQueue queue;
  private final JobRunner runner;
  private final WorkerPool pool;
  private final WorkerMetrics metrics;
  private final StageCosts costs;
  private final Duration progressInterval;
  private final Duration previewInterval;
  private final Duration lease;
  private final int batchImages;
  private volatile List<JobControl> current = List.of();

  Worker(
      String name,
      WorkerEngines engines,
      JobQueue queue,
      JobRunner runner,
      WorkerPool pool,
      WorkerMetrics metrics,
      StageCosts costs,
      Duration progressInterval,
      Duration previewInterval,
      Duration lease,
      int batchImages) {
    this.metrics = metrics;
    this.costs = costs;
    this.lease = lease;
    this.batchImages = batchImages;
    this.name = name;
    this.engines = engines;
    this.queue = queue;
    this.runner = runner;
    this.pool = pool;
    this.progressInterval = progressInterval;
    this.previewInterval = previewInterval;
  }

  String name() {
    return name;
  }

  /** The jobs this worker is running: none, one, or the jobs of one batch. */
  List<JobControl> current() {
    return current;
  }

  @Override
  public void run() {
    try {
      while (pool.mayClaim(this)) {
        List<ClaimedJob> jobs = claimQuietly();
        if (jobs.isEmpty()) {
          pool.awaitWork();
          continue;
        }
        if (jobs.size() > 1) {
          new BatchRun(jobs).run();
          continue;
        }
        ClaimedJob job = jobs.get(0);
        try {
          runJob(job);
        } catch (RuntimeException e) {
          // The database went away while the job was ending: its lease will expire and the job will
          // be rescued.
          LOG.warnf(
              "%s: could not record the end of job %d (%s); it will be rescued",
              name, job.lease().jobId(), e.getMessage());
        }
      }
    } finally {
      engines.close();
      pool.stopped(this);
    }
  }

  private List<ClaimedJob> claimQuietly() {
    try {
      List<ClaimedJob> jobs = queue.claimBatch(name, engines.packs(), batchImages);
      metrics.polled(jobs.isEmpty() ? "empty" : "claimed");
      return jobs;
    } catch (RuntimeException e) {
      metrics.polled("failed");
      // The database may be restarting: back off and try again rather than dying.
      LOG.warnf("Could not claim a job (%s); retrying", e.getMessage());
      pool.awaitWork();
      return List.of();
    }
  }

  private void runJob(ClaimedJob job) {
    JobControl control = new JobControl(job.lease());
    current = List.of(control);
    pool.running(this, job.lease().jobId());
    long started = System.nanoTime();
    metrics.waited(job.waited());
    try {
      LOG.infof(
          "%s: running job %d (%s, attempt %d)",
          name, job.lease().jobId(), job.kind(), job.attempt());
      ProgressReporter progress =
          new ProgressReporter(
              queue,
              control,
              metrics,
              costs,
              job.pack(),
              job.params().imageCount(),
              progressInterval,
              previewInterval);
      List<ResultImage> images = runner.run(job, engines.engineFor(job.pack()), progress, control);
      if (!store(List.of(new JobResults(job.lease(), images)), List.of(control)).isEmpty()) {
        pool.finished(this, true, images.size());
        metrics.finished("succeeded");
        LOG.infof(
            "%s: job %d succeeded in %d ms",
            name, job.lease().jobId(), (System.nanoTime() - started) / 1_000_000);
      } else {
        LOG.infof(
            "%s: job %d was taken over or cancelled meanwhile; its results were discarded",
            name, job.lease().jobId());
      }
    } catch (CancelledException e) {
      endStopped(control);
    } catch (RuntimeException | OutOfMemoryError e) {
      if (control.isCancelled()) {
        endStopped(control);
      } else if (DatabaseOutage.isCause(e)) {
        // Not the job's fault: its lease expires and the reaper runs it again (the attempt counts,
        // so max-attempts still bounds it).
        LOG.warnf(
            "%s: lost the database during job %d (%s); it will be rescued",
            name, job.lease().jobId(), e.getMessage());
      } else {
        LOG.errorf(e, "%s: job %d failed", name, job.lease().jobId());
        queue.fail(job.lease(), readable(e));
        pool.finished(this, false, 0);
        metrics.finished("failed");
      }
    } finally {
      current = List.of();
      pool.running(this, null);
    }
  }

  /**
   * Writes the results and SUCCEEDED, trying again while the database is away (a restart, a
   * failover) for as long as a lease lasts: the images are made already, and every try is fenced by
   * the lease tokens in one transaction, so a try after a commit whose answer was lost writes
   * nothing and a job never gets two image sets. The heartbeat keeps renewing the leases meanwhile;
   * past them, the reaper owns the jobs and runs them again. Several jobs (one engine batch) are
   * stored in one transaction ({@link JobQueue#completeAll}); returns the ids of those stored.
   */
  private Set<Long> store(List<JobResults> results, List<JobControl> controls) {
    List<Long> ids = results.stream().map(r -> r.lease().jobId()).toList();
    RetryPolicy<Set<Long>> whileTheDatabaseIsAway =
        RetryPolicy.<Set<Long>>builder()
            .handleIf(DatabaseOutage::isCause)
            .withBackoff(STORE_RETRY_FIRST, STORE_RETRY_MAX)
            .withMaxRetries(-1)
            .withMaxDuration(lease)
            .abortIf((stored, failure) -> controls.stream().allMatch(JobControl::isCancelled))
            .onRetry(
                e ->
                    LOG.warnf(
                        "%s: could not store the results of %s %s (%s); trying again",
                        name,
                        ids.size() == 1 ? "job" : "jobs",
                        ids.size() == 1 ? ids.get(0) : ids,
                        causeOf(e.getLastException())))
            .build();
    return Failsafe.with(whileTheDatabaseIsAway).get(() -> queue.completeAll(results));
  }

  private void endStopped(JobControl control) {
    switch (control.reason()) {
      case CANCELLED -> {
        queue.markCancelled(control.lease());
        metrics.finished("cancelled");
        LOG.infof("%s: job %d cancelled", name, control.lease().jobId());
      }
      case SHUTDOWN -> queue.release(control.lease());
      default ->
          LOG.infof(
              "%s: lost the lease of job %d; stopped without writing",
              name, control.lease().jobId());
    }
  }

  /** What the database said, under our own "Could not store…". */
  private static String causeOf(Throwable e) {
    return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
  }

  /**
   * Jobs a claim took together ({@link JobQueue#claimBatch}), run as one engine batch. Each job
   * keeps its own lease, progress and cancellation: a job cancelled (or whose lease is lost) during
   * the batch is ended at the next step while the others go on, and the results of those still
   * running at the end are stored together, each job fenced by its own lease. If the batch fails as
   * a whole, each job still running is run again alone, so that only a job that fails by itself
   * fails.
   */
  private final class BatchRun {

    private final List<ClaimedJob> jobs;
    private final List<JobControl> controls;
    private final boolean[] ended;

    BatchRun(List<ClaimedJob> jobs) {
      this.jobs = jobs;
      this.controls = jobs.stream().map(j -> new JobControl(j.lease())).toList();
      this.ended = new boolean[jobs.size()];
    }

    void run() {
      current = controls;
      pool.running(Worker.this, jobs.get(0).lease().jobId());
      long started = System.nanoTime();
      List<StepListener> listeners = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        metrics.waited(jobs.get(i).waited());
        ProgressReporter progress =
            new ProgressReporter(
                queue,
                controls.get(i),
                metrics,
                costs,
                jobs.get(i).pack(),
                jobs.get(i).params().imageCount(),
                progressInterval,
                previewInterval);
        listeners.add(
            event -> {
              progress.onStep(event);
              endStoppedJobs();
            });
      }
      LOG.infof(
          "%s: running jobs %s as one batch",
          name, jobs.stream().map(j -> j.lease().jobId()).toList());
      try {
        Engine engine = engines.engineFor(jobs.get(0).pack());
        List<List<GeneratedImage>> images = runner.runBatch(jobs, engine, listeners, controls);
        finish(engine, images, started);
      } catch (CancelledException e) {
        endStoppedJobs();
      } catch (RuntimeException | OutOfMemoryError e) {
        LOG.warnf(e, "%s: the batch of %d jobs failed; running each job alone", name, jobs.size());
        current = List.of();
        for (int i = 0; i < jobs.size(); i++) {
          if (!endStopped(i)) {
            runAlone(jobs.get(i));
          }
        }
      } finally {
        current = List.of();
        pool.running(Worker.this, null);
      }
    }

    /**
     * Stores the images of every job not stopped meanwhile, all in one transaction (one WAL flush
     * for the batch).
     */
    private void finish(Engine engine, List<List<GeneratedImage>> images, long started) {
      List<JobResults> results = new ArrayList<>();
      List<JobControl> finishing = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        if (endStopped(i)) {
          continue;
        }
        ClaimedJob job = jobs.get(i);
        try {
          results.add(new JobResults(job.lease(), runner.results(job, engine, images.get(i))));
          finishing.add(controls.get(i));
        } catch (RuntimeException e) {
          LOG.warnf(
              "%s: could not finish job %d (%s); it will be rescued",
              name, job.lease().jobId(), e.getMessage());
        }
      }
      if (results.isEmpty()) {
        return;
      }
      Set<Long> stored;
      try {
        stored = store(results, finishing);
      } catch (RuntimeException e) {
        // The database went away while the jobs were ending: their leases will expire and they
        // will be rescued.
        LOG.warnf(
            "%s: could not record the end of jobs %s (%s); they will be rescued",
            name, results.stream().map(r -> r.lease().jobId()).toList(), e.getMessage());
        return;
      }
      for (JobResults r : results) {
        long id = r.lease().jobId();
        if (stored.contains(id)) {
          pool.finished(Worker.this, true, r.images().size());
          metrics.finished("succeeded");
          LOG.infof(
              "%s: job %d succeeded in %d ms (batch of %d)",
              name, id, (System.nanoTime() - started) / 1_000_000, jobs.size());
        } else {
          LOG.infof(
              "%s: job %d was taken over or cancelled meanwhile; its results were discarded",
              name, id);
        }
      }
    }

    /** Ends every job stopped since the last look (cancelled, lease lost, shutdown) once. */
    private void endStoppedJobs() {
      for (int i = 0; i < jobs.size(); i++) {
        endStopped(i);
      }
    }

    /** Whether job {@code i} was stopped; ends it the first time. */
    private boolean endStopped(int i) {
      JobControl control = controls.get(i);
      if (!control.isCancelled()) {
        return false;
      }
      if (!ended[i]) {
        ended[i] = true;
        try {
          Worker.this.endStopped(control);
        } catch (RuntimeException e) {
          LOG.warnf(
              "%s: could not end job %d (%s); it will be rescued",
              name, control.lease().jobId(), e.getMessage());
        }
      }
      return true;
    }

    private void runAlone(ClaimedJob job) {
      try {
        runJob(job);
      } catch (RuntimeException e) {
        LOG.warnf(
            "%s: could not record the end of job %d (%s); it will be rescued",
            name, job.lease().jobId(), e.getMessage());
      }
    }
  }

  private static String readable(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return "The worker ran out of memory. Try fewer images at once.";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
