package dev.unclipstudio.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Holds a row lock in another connection's open transaction, as a concurrent claim would, so that a
 * test can see what SKIP LOCKED passes over.
 */
public final class RowLock {

  private RowLock() {}

  /** Locks row {@code id} of {@code table} ("job" or "app_user") until {@code c} ends. */
  public static void hold(Connection c, String table, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM " + table + " WHERE id = ? FOR UPDATE")) {
      ps.setLong(1, id);
      ps.executeQuery().close();
    }
  }
}
