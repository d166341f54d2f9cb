package dev.unclipstudio.ops;

import dev.unclipstudio.job.WorkerLiveness;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Studio-wide gauges from the database, so that any instance reports the same figures: jobs per
 * status, the age of the oldest queued job, and workers per state (LOST when their heartbeat is
 * older than the lease). Read at most once per scrape interval.
 */
@ApplicationScoped
public class QueueMetrics {

  /**
   * Jobs waiting or running: the work that needs workers, the same jobs as {@code studio_jobs}
   * QUEUED plus RUNNING. KEDA sizes the GPU workers with this very statement
   * (deploy/kubernetes/keda.yaml), and a test keeps the two the same.
   */
  public static final String ACTIVE_JOBS_SQL =
      "SELECT count(*) FROM job WHERE status IN ('QUEUED', 'RUNNING')";

  private static final long CACHE_NANOS = 5_000_000_000L;

  private final DataSource dataSource;
  private final WorkerLiveness liveness;
  private volatile Map<String, Double> snapshot = Map.of();
  private volatile long readAt;

  QueueMetrics(DataSource dataSource, WorkerLiveness liveness) {
    this.dataSource = dataSource;
    this.liveness = liveness;
  }

  void register(@Observes StartupEvent event, MeterRegistry registry) {
    for (String status : new String[] {"QUEUED", "RUNNING"}) {
      Gauge.builder("studio.jobs", this, m -> m.value("jobs." + status))
          .tag("status", status)
          .description("Jobs in this status")
          .register(registry);
    }
    Gauge.builder("studio.jobs.active", this, m -> m.value("jobs.active"))
        .description("Jobs waiting or running: the count KEDA sizes the workers by")
        .register(registry);
    Gauge.builder("studio.queue.oldest.wait.seconds", this, m -> m.value("oldest"))
        .description("Seconds the oldest queued job has waited")
        .register(registry);
    for (String state :
        new String[] {"RUNNING", "PAUSED", "DRAINING", "STOPPED", "UNHEALTHY", "LOST"}) {
      Gauge.builder("studio.workers", this, m -> m.value("workers." + state))
          .tag("state", state)
          .description("Workers in this state, all instances")
          .register(registry);
    }
  }

  private double value(String key) {
    if (System.nanoTime() - readAt > CACHE_NANOS) {
      snapshot = read();
      readAt = System.nanoTime();
    }
    return snapshot.getOrDefault(key, 0.0);
  }

  /** The figures from the database now, uncached. */
  Map<String, Double> read() {
    Map<String, Double> values = new HashMap<>();
    String sql =
        """
        SELECT 'jobs.' || status, count(*)::float8 FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY status
        UNION ALL
        SELECT 'jobs.active', (%s)::float8
        UNION ALL
        SELECT 'oldest', coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM job WHERE status = 'QUEUED'
        UNION ALL
        SELECT 'workers.' || %s, count(*)::float8 FROM worker GROUP BY 1
        """
            .formatted(ACTIVE_JOBS_SQL, liveness.stateSql());
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        values.put(rs.getString(1), rs.getDouble(2));
      }
    } catch (SQLException e) {
      return snapshot; // keep the last figures while the database is away
    }
    return values;
  }
}
