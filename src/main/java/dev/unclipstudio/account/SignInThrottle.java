package dev.unclipstudio.account;

import dev.unclipstudio.time.DatabaseClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Slows down password guessing, per account and per client address ({@code sign_in_failure}). Only
 * failures count, so people who type their password right are never slowed. An address gets more
 * failures than an account before it waits, because several people may share one (an office behind
 * one router).
 */
@ApplicationScoped
public class SignInThrottle {

  static final Backoff PER_ACCOUNT = new Backoff(5);
  static final Backoff PER_ADDRESS = new Backoff(20);

  private final DataSource dataSource;
  private final DatabaseClock clock;

  SignInThrottle(DataSource dataSource, DatabaseClock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** How long this attempt must wait, if it must: the longer of the account's and the address's. */
  public Optional<Duration> waitBefore(String username, String address) {
    String sql =
        """
        SELECT ceil(extract(epoch FROM max(blocked_until) - %1$s) * 1000)::bigint FROM sign_in_failure
        WHERE ((kind = 'ACCOUNT' AND key = ?) OR (kind = 'ADDRESS' AND key = ?)) AND blocked_until > %1$s
        """
            .formatted(clock.now());
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, accountKey(username));
      ps.setString(2, address);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long millis = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the sign-in throttle", e);
    }
  }

  /** Counts a wrong password (or unknown or disabled account) against both the name and address. */
  public void failed(String username, String address) {
    try (Connection c = dataSource.getConnection()) {
      count(c, "ACCOUNT", accountKey(username), PER_ACCOUNT);
      count(c, "ADDRESS", address, PER_ADDRESS);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not record a failed sign-in", e);
    }
  }

  /**
   * A correct password clears the account's failures. The address's stay: one valid account must
   * not reset the count of someone guessing others' passwords from the same address.
   */
  public void succeeded(String username) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM sign_in_failure WHERE kind = 'ACCOUNT' AND key = ?")) {
      ps.setString(1, accountKey(username));
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not reset the sign-in throttle", e);
    }
  }

  private void count(Connection c, String kind, String key, Backoff backoff) throws SQLException {
    String now = clock.now();
    String sql =
        """
        INSERT INTO sign_in_failure AS f (kind, key, failures, last_failure_at) VALUES (?, ?, 1, %1$s)
        ON CONFLICT (kind, key) DO UPDATE SET
            failures = CASE WHEN f.last_failure_at < %1$s - interval '1 hour' THEN 1 ELSE f.failures + 1 END,
            last_failure_at = %1$s
        RETURNING failures
        """
            .formatted(now);
    int failures;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, kind);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        failures = rs.getInt(1);
      }
    }
    Duration wait = backoff.after(failures);
    if (!wait.isZero()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE sign_in_failure SET blocked_until = %s + interval '%d milliseconds'"
                      .formatted(now, wait.toMillis())
                  + " WHERE kind = ? AND key = ?")) {
        ps.setString(1, kind);
        ps.setString(2, key);
        ps.execute();
      }
    }
  }

  /** The name as typed, in lower case as sign-in matches it, cut to the column's width. */
  private static String accountKey(String username) {
    String key = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    return key.length() > 200 ? key.substring(0, 200) : key;
  }
}
