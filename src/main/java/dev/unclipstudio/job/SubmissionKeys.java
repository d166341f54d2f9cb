package dev.unclipstudio.job;

import dev.unclipstudio.time.DatabaseClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Idempotent API submissions: the job each {@link IdempotencyKey} of a user queued in the last 24
 * hours. A request sent again with its key (its answer was lost, its client timed out) gets that
 * job instead of a second one and a second charge on the quota; the same key with a different
 * request is refused (422). A key is remembered in the transaction that queues its job, only then.
 */
@ApplicationScoped
public class SubmissionKeys {

  /** How long a key is remembered, in the words of its messages. */
  static final String KEPT = "24 hours";

  private final DataSource dataSource;
  private final DatabaseClock clock;

  SubmissionKeys(DataSource dataSource, DatabaseClock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** What an earlier request with this key came to, if the user sent one in the last 24 hours. */
  Optional<SubmitOutcome> earlier(long userId, IdempotencyKey key) {
    try (Connection c = dataSource.getConnection()) {
      return earlier(c, userId, key);
    } catch (SQLException e) {
      throw new QueueException("Could not look up an Idempotency-Key", e);
    }
  }

  /**
   * As above, on the submission's connection: the job it queued when the request is the same, 422
   * naming the header when it is not.
   */
  Optional<SubmitOutcome> earlier(Connection c, long userId, IdempotencyKey key)
      throws SQLException {
    String sql =
        """
        SELECT job_id, request_hash FROM submission_key
        WHERE owner_id = ? AND idempotency_key = ? AND created_at > %s - interval '%s'
        """
            .formatted(clock.now(), KEPT);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, userId);
      ps.setString(2, key.key());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        if (!rs.getString(2).equals(key.requestHash())) {
          String message =
              "This %s was already used with a different request in the last %s. Send a new key with a new request."
                  .formatted(IdempotencyKey.HEADER, KEPT);
          return Optional.of(
              new SubmitOutcome(
                  SubmitOutcome.Result.KEY_REUSED,
                  0,
                  message,
                  Map.of(IdempotencyKey.HEADER, message)));
        }
        return Optional.of(SubmitOutcome.alreadyQueued(rs.getLong(1)));
      }
    }
  }

  /**
   * Remembers that {@code key} queued {@code jobId}, in the job's transaction; the user's expired
   * keys (this one among them, if it was used more than 24 hours ago) go.
   */
  void remember(Connection c, long userId, IdempotencyKey key, long jobId) throws SQLException {
    String expired =
        "DELETE FROM submission_key WHERE owner_id = ? AND created_at <= %s - interval '%s'"
            .formatted(clock.now(), KEPT);
    try (PreparedStatement ps = c.prepareStatement(expired)) {
      ps.setLong(1, userId);
      ps.executeUpdate();
    }
    String insert =
        """
        INSERT INTO submission_key (owner_id, idempotency_key, request_hash, job_id, created_at)
        VALUES (?, ?, ?, ?, %s)
        """
            .formatted(clock.now());
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setLong(1, userId);
      ps.setString(2, key.key());
      ps.setString(3, key.requestHash());
      ps.setLong(4, jobId);
      ps.executeUpdate();
    }
  }
}
