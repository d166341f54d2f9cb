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
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Puts validated jobs in the queue, within the per-user, daily and global limits; retries go
 * through the same limits, so that cancelling and retrying cannot pile up more work than submitting
 * could. The user's row is locked while counting, so two submissions at once cannot both slip under
 * a limit, and while looking up an Idempotency-Key, so two requests with one key queue one job.
 */
@ApplicationScoped
public class JobSubmission {

  private final DataSource dataSource;
  private final StudioConfig config;
  private final QueueSettings settings;
  private final PromptBlocklist blocklist;
  private final ObjectMapper json;
  private final JobQueue queue;
  private final SubmissionKeys keys;

  JobSubmission(
      DataSource dataSource,
      StudioConfig config,
      QueueSettings settings,
      PromptBlocklist blocklist,
      ObjectMapper json,
      JobQueue queue,
      SubmissionKeys keys) {
    this.keys = keys;
    this.dataSource = dataSource;
    this.config = config;
    this.settings = settings;
    this.blocklist = blocklist;
    this.json = json;
    this.queue = queue;
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
    return submit(user, kind, params, packName, packVersion, inputs, null).jobId();
  }

  /**
   * As above, once per Idempotency-Key ({@code key}, null for none): when the user sent this key in
   * the last 24 hours, nothing is queued or counted and the earlier outcome is returned (its job,
   * or 422 for a different request). Otherwise the key is remembered with the new job.
   */
  public SubmitOutcome submit(
      CurrentUser user,
      JobKind kind,
      JobParams params,
      String packName,
      String packVersion,
      Map<String, byte[]> inputs,
      IdempotencyKey key) {
    QueueSettings.Limits limits = settings.limits();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (key != null) {
          // A second request with the key waits here until the first commits, then finds its job.
          lockUser(c, user.id());
          Optional<SubmitOutcome> earlier = keys.earlier(c, user.id(), key);
          if (earlier.isPresent()) {
            c.rollback();
            return earlier.get();
          }
        }
        refuseBlocked(params.prompt());
        checkLimits(c, user.id(), params.imageCount(), 0, limits);
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
        if (key != null) {
          keys.remember(c, user.id(), key, id);
        }
        try (PreparedStatement ps = c.prepareStatement("NOTIFY job_queued")) {
          ps.execute();
        }
        c.commit();
        return SubmitOutcome.queued(id);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not queue the job", e);
    }
  }

  private static void lockUser(Connection c, long userId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM app_user WHERE id = ? FOR UPDATE")) {
      ps.setLong(1, userId);
      ps.executeQuery().close();
    }
  }

  /**
   * A user's retry of their FAILED or CANCELLED job: the blocklist, their active-job cap, their
   * daily quota and the queue's size apply as to a new submission. Returns false when the job is
   * not retryable (any more).
   */
  public boolean retry(long jobId) {
    return retry(jobId, true);
  }

  /**
   * An administrator's retry: the owner's limits and the blocklist are not applied. Admins retry to
   * repair (jobs failed by an outage or a broken pack); they set those limits themselves and can
   * see the queue, so refusing them would only make them raise a user's limit and put it back.
   */
  public boolean retryOverridingLimits(long jobId) {
    return retry(jobId, false);
  }

  private boolean retry(long jobId, boolean enforceLimits) {
    QueueSettings.Limits limits = settings.limits();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (enforceLimits) {
          Optional<RetriedJob> job = retryable(c, jobId);
          if (job.isEmpty()) {
            c.rollback();
            return false;
          }
          refuseBlocked(job.get().prompt());
          checkLimits(c, job.get().ownerId(), job.get().images(), jobId, limits);
        }
        boolean retried = queue.retry(c, jobId);
        if (retried) {
          try (PreparedStatement ps = c.prepareStatement("NOTIFY job_queued")) {
            ps.execute();
          }
        }
        c.commit();
        return retried;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not retry job " + jobId, e);
    }
  }

  private record RetriedJob(long ownerId, int images, String prompt) {}

  private static Optional<RetriedJob> retryable(Connection c, long jobId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT owner_id, image_count, prompt FROM job"
                + " WHERE id = ? AND status IN ('FAILED', 'CANCELLED')")) {
      ps.setLong(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new RetriedJob(rs.getLong(1), rs.getInt(2), rs.getString(3)))
            : Optional.empty();
      }
    }
  }

  private void refuseBlocked(String prompt) {
    blocklist
        .match(prompt)
        .ifPresent(
            phrase -> {
              throw new BlockedPromptException(
                  "This studio does not accept prompts containing \"%s\". Please rephrase."
                      .formatted(phrase));
            });
  }

  /**
   * Refuses when the user's active jobs, today's images with these {@code images} added, or the
   * queue are at their limit ({@link QueueUsage#refusal}), holding the user's row locked.
   */
  private void checkLimits(
      Connection c, long userId, int images, long retriedJobId, QueueSettings.Limits limits)
      throws SQLException {
    QueueUsage.read(c, userId, retriedJobId, limits, true)
        .refusal(images)
        .ifPresent(
            message -> {
              throw new LimitExceededException(message);
            });
  }

  /** The user's standing against the limits now, as the next submission would be checked. */
  public QueueUsage usage(long userId) {
    try (Connection c = dataSource.getConnection()) {
      return QueueUsage.read(c, userId, 0, settings.limits(), false);
    } catch (SQLException e) {
      throw new QueueException("Could not read the queue limits of user " + userId, e);
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
