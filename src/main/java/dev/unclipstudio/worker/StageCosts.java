package dev.unclipstudio.worker;

import dev.unclipstudio.job.QueueException;
import dev.unclipstudio.pipeline.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * What each stage of each pack costs per step and image, as the workers of every instance measure
 * it ({@code stage_cost}): the weights of a job's progress and the start of its ETA.
 */
@ApplicationScoped
public class StageCosts {

  private static final Logger LOG = Logger.getLogger(StageCosts.class);

  private final DataSource dataSource;

  StageCosts(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The pack's measured milliseconds per step and image, by stage; empty before any measurement.
   */
  Map<Stage, Double> of(String pack) {
    Map<Stage, Double> costs = new EnumMap<>(Stage.class);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT stage, millis_per_step FROM stage_cost WHERE pack_name = ?")) {
      ps.setString(1, pack);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (Stage stage : Stage.values()) {
            if (stage.key().equals(rs.getString(1))) {
              costs.put(stage, rs.getDouble(2));
            }
          }
        }
      }
    } catch (SQLException e) {
      // progress then falls back to the fixed weights: a database blip must not cost the job
      LOG.debugf("Could not read the stage costs of pack %s: %s", pack, e.getMessage());
    }
    return costs;
  }

  /**
   * Adds one measurement: the plain mean of the first five, then each new one weighs 1/5, so the
   * figure follows a changed machine or pack within a few jobs.
   */
  void record(String pack, Stage stage, double millisPerStep) {
    String sql =
        """
        INSERT INTO stage_cost (pack_name, stage, millis_per_step, samples) VALUES (?, ?, ?, 1)
        ON CONFLICT (pack_name, stage) DO UPDATE SET
          millis_per_step = stage_cost.millis_per_step
            + (excluded.millis_per_step - stage_cost.millis_per_step) / least(stage_cost.samples + 1, 5),
          samples = stage_cost.samples + 1,
          updated_at = now()
        """;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, pack);
      ps.setString(2, stage.key());
      ps.setDouble(3, millisPerStep);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new QueueException("Could not record the cost of stage " + stage.key(), e);
    }
  }
}
