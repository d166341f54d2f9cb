package dev.unclipstudio.admin;

import dev.unclipstudio.job.WorkerLiveness;
import dev.unclipstudio.worker.WorkerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Every instance's workers as the console shows them, with the age of their last heartbeat (LOST
 * when it is older than the lease).
 */
@ApplicationScoped
public class AdminWorkers {

  public record Row(
      String name,
      String instance,
      String device,
      String state,
      String desiredState,
      String health,
      long heartbeatAgeSeconds,
      Long currentJobId,
      long jobsDone,
      long jobsFailed,
      long imagesDone) {

    /** The state in words ("Running", "Lost"); {@link #state} keeps the stored name. */
    public String stateLabel() {
      return WorkerState.valueOf(state).label();
    }

    /** What an administrator asked for, in words, or null. */
    public String desiredStateLabel() {
      return desiredState == null ? null : WorkerState.valueOf(desiredState).label();
    }
  }

  private final DataSource dataSource;
  private final WorkerLiveness liveness;

  AdminWorkers(DataSource dataSource, WorkerLiveness liveness) {
    this.dataSource = dataSource;
    this.liveness = liveness;
  }

  List<Row> list() {
    String sql =
        """
        SELECT name, instance, device, %s, desired_state, health,
               extract(epoch FROM now() - heartbeat_at)::bigint, current_job_id, jobs_done, jobs_failed, images_done
        FROM worker ORDER BY instance, name
        """
            .formatted(liveness.stateSql());
    List<Row> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getLong(7),
                (Long) rs.getObject(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getLong(11)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list workers", e);
    }
    return rows;
  }
}
