package dev.unclipstudio.worker;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The {@code worker} table: what every worker of every instance is doing, for the admin console and
 * health.
 */
@ApplicationScoped
public class WorkerRegistry {

  private static final Logger LOG = Logger.getLogger(WorkerRegistry.class);

  private final DataSource dataSource;

  WorkerRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A worker as it starts, with the packs it has open and those it could not open. */
  void register(
      String name,
      String instance,
      String device,
      WorkerState state,
      String health,
      List<PackState> packs) {
    execute(
        """
        INSERT INTO worker (name, instance, device, state, health) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET instance = excluded.instance, device = excluded.device,
            state = excluded.state, health = excluded.health, started_at = now(), heartbeat_at = now(),
            current_job_id = NULL
        """,
        name,
        instance,
        device,
        state.name(),
        health);
    execute("DELETE FROM worker_pack WHERE worker_name = ?", name);
    for (PackState pack : packs) {
      execute(
          "INSERT INTO worker_pack (worker_name, pack, up, problem) VALUES (?, ?, ?, ?)",
          name,
          pack.pack(),
          pack.up(),
          pack.problem());
    }
  }

  void state(String name, WorkerState state) {
    execute("UPDATE worker SET state = ?, heartbeat_at = now() WHERE name = ?", state.name(), name);
  }

  void heartbeat(String name) {
    execute("UPDATE worker SET heartbeat_at = now() WHERE name = ?", name);
  }

  void currentJob(String name, Long jobId) {
    execute(
        "UPDATE worker SET current_job_id = ?, heartbeat_at = now() WHERE name = ?", jobId, name);
  }

  void count(String name, boolean succeeded, int images) {
    if (succeeded) {
      execute(
          "UPDATE worker SET jobs_done = jobs_done + 1, images_done = images_done + ? WHERE name = ?",
          images,
          name);
    } else {
      execute("UPDATE worker SET jobs_failed = jobs_failed + 1 WHERE name = ?", name);
    }
  }

  /** What an admin asked of an instance's workers, if anything. */
  Optional<WorkerState> desiredState(String instance) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT desired_state FROM worker WHERE instance = ? AND desired_state IS NOT NULL LIMIT 1")) {
      ps.setString(1, instance);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(WorkerState.valueOf(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      LOG.warnf("Could not read admin commands: %s", e.getMessage());
      return Optional.empty();
    }
  }

  /** Records an admin's command for an instance and tells it at once. */
  public void command(String instance, WorkerState desired) {
    execute("UPDATE worker SET desired_state = ? WHERE instance = ?", desired.name(), instance);
    execute("SELECT pg_notify('worker_command', ?)", instance);
  }

  private void execute(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    } catch (SQLException e) {
      // Bookkeeping only: a failed write must not stop a worker.
      LOG.warnf("Could not update the workers table: %s", e.getMessage());
    }
  }
}
