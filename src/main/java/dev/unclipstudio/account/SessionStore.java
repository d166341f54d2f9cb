package dev.unclipstudio.account;

import dev.unclipstudio.config.StudioConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Sign-in sessions kept in the database, so that signing out everywhere, disabling a user and
 * changing a role take effect on the very next request, on every instance. Only a hash of each
 * session token is stored.
 */
@ApplicationScoped
public class SessionStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource dataSource;
  private final Duration timeout;

  SessionStore(DataSource dataSource, StudioConfig config) {
    this.dataSource = dataSource;
    this.timeout = config.accounts().sessionTimeout();
  }

  /** Opens a session and returns the token for the cookie. */
  public String open(long userId) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    execute("INSERT INTO user_session (token_hash, user_id) VALUES (?, ?)", hash(token), userId);
    return token;
  }

  /**
   * How stale a session's (or an API token's) last use may get before a request writes it again.
   * Touching it on every request made every page view a committed write — a WAL flush, and a wait
   * on the row lock for parallel requests of one session (50 connections of one session ran one
   * commit at a time): reads stay reads, and a session times out at most this much early.
   */
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  /**
   * The enabled user a live session token belongs to; touches the session (at most once per {@link
   * #TOUCH_EVERY}) so that it stays alive while used.
   */
  public Optional<CurrentUser> resolve(String token) {
    String read =
        """
        SELECT u.id, u.username, u.role, s.last_seen_at < now() - interval '%d seconds'
        FROM user_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.token_hash = ? AND u.enabled AND s.last_seen_at > now() - interval '%d seconds'
        """
            .formatted(TOUCH_EVERY.toSeconds(), timeout.toSeconds());
    String hash = hash(token);
    CurrentUser user;
    boolean stale;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(read)) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        user = new CurrentUser(rs.getLong(1), rs.getString(2), Role.valueOf(rs.getString(3)));
        stale = rs.getBoolean(4);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the session store", e);
    }
    if (stale) {
      // the condition again: of parallel requests that all saw it stale, one writes
      execute(
          "UPDATE user_session SET last_seen_at = now() WHERE token_hash = ? AND last_seen_at < now() - interval '%d seconds'"
              .formatted(TOUCH_EVERY.toSeconds()),
          hash);
    }
    return Optional.of(user);
  }

  public void close(String token) {
    execute("DELETE FROM user_session WHERE token_hash = ?", hash(token));
  }

  /** Signs a user out on every device but the one holding {@code keptToken}. */
  public void closeOthers(long userId, String keptToken) {
    execute(
        "DELETE FROM user_session WHERE user_id = ? AND token_hash <> ?", userId, hash(keptToken));
  }

  /** Signs a user out on every device. */
  public void closeAll(long userId) {
    execute("DELETE FROM user_session WHERE user_id = ?", userId);
  }

  private void execute(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not write the session store", e);
    }
  }

  static String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
