package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The queue limits in force: what an admin set in the console ({@code studio_setting}), else the
 * configuration. Read on every submission, so a change applies on every instance at once.
 */
@ApplicationScoped
public class QueueSettings {

  public static final String MAX_ACTIVE_PER_USER = "max-active-per-user";
  public static final String DAILY_IMAGE_QUOTA = "daily-image-quota";
  public static final String MAX_QUEUED = "max-queued";

  private final DataSource dataSource;
  private final StudioConfig config;

  QueueSettings(DataSource dataSource, StudioConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  public record Limits(int maxActivePerUser, int dailyImageQuota, int maxQueued) {}

  public Limits limits() {
    Map<String, String> stored = stored();
    return new Limits(
        intOr(stored.get(MAX_ACTIVE_PER_USER), config.queue().maxActivePerUser()),
        intOr(stored.get(DAILY_IMAGE_QUOTA), config.queue().dailyImageQuota()),
        intOr(stored.get(MAX_QUEUED), config.queue().maxQueued()));
  }

  public void set(Limits limits) {
    String sql =
        """
        INSERT INTO studio_setting (key, value) VALUES (?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
        """;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (Map.Entry<String, Integer> e :
          Map.of(
                  MAX_ACTIVE_PER_USER,
                  limits.maxActivePerUser(),
                  DAILY_IMAGE_QUOTA,
                  limits.dailyImageQuota(),
                  MAX_QUEUED,
                  limits.maxQueued())
              .entrySet()) {
        ps.setString(1, e.getKey());
        ps.setString(2, Integer.toString(e.getValue()));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new QueueException("Could not save the queue settings", e);
    }
  }

  private Map<String, String> stored() {
    Map<String, String> values = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT key, value FROM studio_setting");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        values.put(rs.getString(1), rs.getString(2));
      }
    } catch (SQLException e) {
      throw new QueueException("Could not read the queue settings", e);
    }
    return values;
  }

  private static int intOr(String value, int fallback) {
    return value == null ? fallback : Integer.parseInt(value);
  }
}
