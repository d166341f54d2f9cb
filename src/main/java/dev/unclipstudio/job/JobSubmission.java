package dev.unclipstudio.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Puts validated jobs in the queue, within the per-user, daily and global limits. The user's row is
 * locked while counting, so two submissions at once cannot both slip under a limit.
 */
@ApplicationScoped
public class JobSubmission {

  private final DataSource dataSource;
  private final StudioConfig config;
  private final QueueSettings settings;
  private final PromptBlocklist blocklist;
  private final ObjectMapper json;

  JobSubmission(
      DataSource dataSource,
      StudioConfig config,
      QueueSettings settings,
      PromptBlocklist blocklist,
      ObjectMapper json) {
    this.dataSource = dataSource;
    this.config = config;
    this.settings = settings;
    this.blocklist = blocklist;
    this.json = json;
  }

  /**
   * Queues the job and returns its id. Throws {@link LimitExceededException} when a limit is
   * reached and {@link BlockedPromptException} when the prompt contains a blocked phrase.
   */
  public long submit(
      CurrentUser user, JobKind kind, JobParams params, String packName, String packVersion) {
    return submit(user, kind, params, packName, packVersion, Map.of());
  }

  /**
   * As above, with validated input images (PNG) stored alongside the job in the same transaction.
   */
  public long submit(
      CurrentUser user,
      JobKind kind,
      JobParams params,
      String packName,
      String packVersion,
      Map<String, byte[]> inputs) {
    blocklist
        .match(params.prompt())
        .ifPresent(
            phrase -> {
              throw new BlockedPromptException(
                  "This studio does not accept prompts containing \"%s\". Please rephrase."
                      .formatted(phrase));
            });
    QueueSettings.Limits limits = settings.limits();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        checkLimits(c, user.id(), params.imageCount(), limits);
        long id = insert(c, user.id(), kind, params, packName, packVersion);
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO job_input (job_id, name, png) VALUES (?, ?, ?)")) {
          for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            ps.setLong(1, id);
            ps.setString(2, input.getKey());
            ps.setBytes(3, input.getValue());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("NOTIFY job_queued")) {
          ps.execute();
        }
        c.commit();
        return id;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not queue the job", e);
    }
  }

  private void checkLimits(Connection c, long userId, int images, QueueSettings.Limits limits)
      throws SQLException {
    String sql =
        """
        SELECT coalesce(u.max_active_jobs, ?),                                         -- 1: default active cap
               coalesce(u.daily_image_quota, ?),                                       -- 2: default daily quota
               (SELECT count(*) FROM job WHERE owner_id = u.id AND status IN ('QUEUED', 'RUNNING')),
               (SELECT coalesce(sum(image_count), 0) FROM job
                 WHERE owner_id = u.id AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                   AND status <> 'CANCELLED'),
               (SELECT count(*) FROM job WHERE status = 'QUEUED')
        FROM app_user u WHERE u.id = ?                                                 -- 3: the user
        FOR UPDATE OF u
        """;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limits.maxActivePerUser());
      ps.setInt(2, limits.dailyImageQuota());
      ps.setLong(3, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("No user " + userId);
        }
        int activeCap = rs.getInt(1);
        int quota = rs.getInt(2);
        if (rs.getLong(3) >= activeCap) {
          throw new LimitExceededException(
              "You already have %d jobs queued or running, the most allowed. Wait for one to finish or cancel one."
                  .formatted(activeCap));
        }
        long usedToday = rs.getLong(4);
        if (usedToday + images > quota) {
          throw new LimitExceededException(
              "This would exceed your daily quota of %d images (%d used today)."
                  .formatted(quota, usedToday));
        }
        if (rs.getLong(5) >= limits.maxQueued()) {
          throw new LimitExceededException(
              "The studio's queue is full. Please try again in a few minutes.");
        }
      }
    }
  }

  private long insert(
      Connection c,
      long userId,
      JobKind kind,
      JobParams params,
      String packName,
      String packVersion)
      throws SQLException {
    String sql =
        """
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
        VALUES (?, ?, 'QUEUED', ?::jsonb, ?, ?, ?, ?, ?) RETURNING id
        """;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, userId);
      ps.setString(2, kind.name());
      ps.setString(3, json.writeValueAsString(params));
      ps.setString(4, params.prompt());
      ps.setInt(5, params.imageCount());
      ps.setInt(6, config.queue().maxAttempts());
      ps.setString(7, packName);
      ps.setString(8, packVersion);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
