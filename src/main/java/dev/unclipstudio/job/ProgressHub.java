package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The live-progress streams of this instance, pushed from the database: one connection LISTENs on
 * {@code job_changed} (a trigger announces every change of a job row), and each change is read once
 * and sent to every stream open on that job. A slow re-read ({@code studio.web.progress-refresh})
 * covers notifications lost while the connection was down. Each user may hold a limited number of
 * streams open, so open tabs cannot load the database.
 */
@ApplicationScoped
public class ProgressHub {

  private static final Logger LOG = Logger.getLogger(ProgressHub.class);

  /** One open stream: whose it is, where it sends, what it sent last. */
  private static final class Stream {
    final long userId;
    final MultiEmitter<? super JobView> emitter;
    JobView last;

    Stream(long userId, MultiEmitter<? super JobView> emitter) {
      this.userId = userId;
      this.emitter = emitter;
    }
  }

  private final JobService jobs;
  private final AgroalDataSource dataSource;
  private final int maxPerUser;
  private final long refreshMillis;
  private final Map<Long, Set<Stream>> byJob = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private Thread listener;
  private volatile boolean open = true;

  ProgressHub(JobService jobs, AgroalDataSource dataSource, StudioConfig config) {
    this.jobs = jobs;
    this.dataSource = dataSource;
    this.maxPerUser = config.web().maxProgressStreamsPerUser();
    this.refreshMillis = config.web().progressRefresh().toMillis();
  }

  /**
   * The job's progress from now until it ends: its current state first, then every change.
   *
   * @throws LimitExceededException when the user already has the most streams open
   */
  public Multi<JobView> follow(CurrentUser user, long jobId) {
    AtomicInteger count = perUser.computeIfAbsent(user.id(), id -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerUser) {
      count.decrementAndGet();
      throw new LimitExceededException(
          "You have "
              + maxPerUser
              + " live progress views open already. Close a tab, or reload this page later.");
    }
    startListening();
    return Multi.createFrom()
        .<JobView>emitter(
            emitter -> {
              Stream stream = new Stream(user.id(), emitter);
              byJob.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(stream);
              emitter.onTermination(() -> close(jobId, stream));
              send(stream, jobs.current(jobId));
            })
        // subscribed from the HTTP event loop: the first read must happen on a worker thread
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  /** Streams open now for a user (metrics and tests). */
  public int openStreams(long userId) {
    AtomicInteger count = perUser.get(userId);
    return count == null ? 0 : count.get();
  }

  private void close(long jobId, Stream stream) {
    Set<Stream> streams = byJob.get(jobId);
    if (streams != null && streams.remove(stream)) {
      perUser.get(stream.userId).decrementAndGet();
      byJob.computeIfPresent(jobId, (id, s) -> s.isEmpty() ? null : s);
    }
  }

  private static void send(Stream stream, JobView view) {
    synchronized (stream) {
      if (!view.equals(stream.last)) {
        stream.last = view;
        stream.emitter.emit(view);
      }
      if (!view.active()) {
        stream.emitter.complete();
      }
    }
  }

  /** Reads the job once and sends it to every stream open on it. */
  private void changed(long jobId) {
    Set<Stream> streams = byJob.get(jobId);
    if (streams == null || streams.isEmpty()) {
      return;
    }
    JobView view = jobs.current(jobId);
    for (Stream stream : streams) {
      send(stream, view);
    }
  }

  private synchronized void startListening() {
    if (listener == null) {
      listener = new Thread(this::listen, "progress-hub");
      listener.setDaemon(true);
      listener.start();
    }
  }

  private void listen() {
    while (open) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("LISTEN job_changed");
        PGConnection pg = c.unwrap(PGConnection.class);
        byJob.keySet().forEach(this::changed); // whatever changed while we were not listening
        long nextRefresh = System.currentTimeMillis() + refreshMillis;
        while (open) {
          PGNotification[] notifications =
              pg.getNotifications((int) Math.max(1, nextRefresh - System.currentTimeMillis()));
          if (notifications != null) {
            for (PGNotification n : notifications) {
              changed(Long.parseLong(n.getParameter()));
            }
          }
          if (System.currentTimeMillis() >= nextRefresh) {
            byJob.keySet().forEach(this::changed);
            nextRefresh = System.currentTimeMillis() + refreshMillis;
          }
        }
      } catch (Exception e) {
        if (open) {
          LOG.debugf("Progress notifications interrupted (%s); reconnecting", e.getMessage());
          pause();
        }
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  void stop() {
    open = false;
    if (listener != null) {
      listener.interrupt();
    }
  }
}
