package dev.unclipstudio.account;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Personal API tokens: created on the account page, shown once, stored as SHA-256, revocable. */
@ApplicationScoped
public class ApiTokens {

  /** Tokens start with this, so that leaked ones are easy to recognise in logs and code. */
  public static final String PREFIX = "ucs_";

  public record Token(
      long id,
      String name,
      OffsetDateTime createdAt,
      OffsetDateTime lastUsedAt,
      OffsetDateTime revokedAt) {
    public boolean revoked() {
      return revokedAt != null;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource dataSource;

  ApiTokens(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates a token and returns its value: the only time anyone sees it. */
  public String create(long userId, String name) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    execute(
        "INSERT INTO api_token (user_id, name, token_hash) VALUES (?, ?, ?)",
        userId,
        name,
        SessionStore.hash(token));
    return token;
  }

  public List<Token> of(long userId) {
    List<Token> tokens = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, name, created_at, last_used_at, revoked_at FROM api_token WHERE user_id = ? ORDER BY id DESC")) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tokens.add(
              new Token(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getObject(3, OffsetDateTime.class),
                  rs.getObject(4, OffsetDateTime.class),
                  rs.getObject(5, OffsetDateTime.class)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list API tokens", e);
    }
    return tokens;
  }

  /** Revokes one of the user's tokens; returns false if it is not theirs. */
  public boolean revoke(long userId, long tokenId) {
    return execute(
            "UPDATE api_token SET revoked_at = now() WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            tokenId,
            userId)
        > 0;
  }

  /** Revokes every live token of the user ("sign out everywhere, API tokens too"). */
  public int revokeAll(long userId) {
    return execute(
        "UPDATE api_token SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL", userId);
  }

  /**
   * The enabled user of a live token; notes its use at most once per {@link
   * SessionStore#TOUCH_EVERY}, so that API calls stay reads.
   */
  public Optional<CurrentUser> resolve(String token) {
    String read =
        """
        SELECT u.id, u.username, u.role,
               t.last_used_at IS NULL OR t.last_used_at < now() - interval '%1$d seconds'
        FROM api_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.enabled
        """
            .formatted(SessionStore.TOUCH_EVERY.toSeconds());
    String hash = SessionStore.hash(token);
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
      throw new IllegalStateException("Could not check an API token", e);
    }
    if (stale) {
      execute(
          """
          UPDATE api_token SET last_used_at = now()
          WHERE token_hash = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '%d seconds')
          """
              .formatted(SessionStore.TOUCH_EVERY.toSeconds()),
          hash);
    }
    return Optional.of(user);
  }

  private int execute(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not change API tokens", e);
    }
  }
}
