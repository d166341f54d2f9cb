package dev.unclipstudio.account;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.time.DatabaseClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * At most so many accounts per client address per hour from the sign-up page ({@code sign_up}), so
 * that a script cannot mint fresh accounts, each with fresh job limits. The number is what an admin
 * set in the console ({@code studio_setting}), else {@code
 * studio.accounts.signups-per-address-per-hour}.
 */
@ApplicationScoped
public class SignUpLimit {

  static final String SETTING = "signups-per-address-per-hour";

  private final DataSource dataSource;
  private final StudioConfig config;
  private final DatabaseClock clock;

  SignUpLimit(DataSource dataSource, StudioConfig config, DatabaseClock clock) {
    this.dataSource = dataSource;
    this.config = config;
    this.clock = clock;
  }

  /** The limit in force. */
  public int perAddressPerHour() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT value FROM studio_setting WHERE key = ?")) {
      ps.setString(1, SETTING);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Integer.parseInt(rs.getString(1))
            : config.accounts().signupsPerAddressPerHour();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the sign-up limit", e);
    }
  }

  /** An admin's change; applies to the next sign-up on every instance. */
  public void setPerAddressPerHour(int limit) {
    String sql =
        """
        INSERT INTO studio_setting (key, value) VALUES (?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
        """;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, SETTING);
      ps.setString(2, Integer.toString(limit));
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not save the sign-up limit", e);
    }
  }

  /**
   * Takes one of this address's sign-ups for the hour, or says how long until one is free. Locked
   * per address, so that simultaneous sign-ups on several instances cannot all take the last one.
   */
  public Optional<Duration> reserve(String address) {
    int limit = perAddressPerHour();
    String now = clock.now();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        execute(c, "SELECT pg_advisory_xact_lock(hashtext('sign_up:' || ?))", address);
        Optional<Duration> wait = untilFree(c, address, limit, now);
        if (wait.isEmpty()) {
          execute(
              c,
              "INSERT INTO sign_up (address, created_at) VALUES (?, %s)".formatted(now),
              address);
          // rows older than the hour count for nobody
          execute(
              c,
              "DELETE FROM sign_up WHERE address = ? AND created_at <= %s - interval '1 hour'"
                  .formatted(now),
              address);
        }
        c.commit();
        return wait;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not check the sign-up limit", e);
    }
  }

  /** When the limit-th newest sign-up of the hour leaves the hour, a new one fits. */
  private static Optional<Duration> untilFree(Connection c, String address, int limit, String now)
      throws SQLException {
    String sql =
        """
        SELECT ceil(extract(epoch FROM created_at + interval '1 hour' - %1$s) * 1000)::bigint FROM sign_up
        WHERE address = ? AND created_at > %1$s - interval '1 hour'
        ORDER BY created_at DESC OFFSET ? LIMIT 1
        """
            .formatted(now);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, address);
      ps.setInt(2, limit - 1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Duration.ofMillis(rs.getLong(1))) : Optional.empty();
      }
    }
  }

  private static void execute(Connection c, String sql, String address) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, address);
      ps.execute();
    }
  }

  /** The message for a refused sign-up, in whole minutes rounded up. */
  static String message(Duration wait) {
    long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
    return "Too many new accounts from your address. Try again in "
        + minutes
        + (minutes == 1 ? " minute." : " minutes.");
  }
}
