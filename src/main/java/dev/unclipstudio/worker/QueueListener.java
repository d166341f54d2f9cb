package dev.unclipstudio.worker;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.Statement;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTENs for new jobs and cancellations on a connection of its own, so idle workers start at once
 * and running jobs stop within one step. Only a speed-up: workers poll as well, and the heartbeat
 * also reports cancellation.
 */
final class QueueListener extends Thread {

  private static final Logger LOG = Logger.getLogger(QueueListener.class);

  private final WorkerPool pool;
  private volatile boolean open = true;

  QueueListener(WorkerPool pool) {
    super("queue-listener");
    setDaemon(true);
    this.pool = pool;
  }

  @Override
  public void run() {
    AgroalDataSource dataSource = Arc.container().instance(AgroalDataSource.class).get();
    while (open) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("LISTEN job_queued");
        s.execute("LISTEN job_cancel");
        s.execute("LISTEN worker_command");
        PGConnection pg = c.unwrap(PGConnection.class);
        while (open) {
          PGNotification[] notifications = pg.getNotifications(500);
          if (notifications == null) {
            continue;
          }
          for (PGNotification n : notifications) {
            switch (n.getName()) {
              case "job_cancel" -> pool.cancelRequested(Long.parseLong(n.getParameter()));
              case "worker_command" -> pool.applyDesiredState();
              default -> pool.wakeAll();
            }
          }
        }
      } catch (Exception e) {
        if (open) {
          LOG.debugf(
              "Queue notifications interrupted (%s); polling covers until they are back",
              e.getMessage());
          sleepQuietly();
        }
      }
    }
  }

  void close() {
    open = false;
    interrupt();
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
