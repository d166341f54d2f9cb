package dev.unclipstudio.testing;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Plain SQL against a test database: statements to run and single values to read back. Injected in
 * {@code @QuarkusTest}s (the studio's datasource); built on the server's own datasource in the
 * packaged-app ITs.
 */
@Singleton
public final class Sql {

  private final DataSource dataSource;

  @Inject
  public Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs the statements in order on one connection (auto-commit: each one commits). */
  public void execute(String... statements) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How many rows {@code FROM rows} holds, counted by the database: {@code count("job WHERE status
   * = 'QUEUED'")}.
   */
  public long count(String rows) {
    return number("SELECT count(*) FROM " + rows);
  }

  /** The number in the first column of the first row: an id, a counter, an aggregate. */
  public long number(String query) {
    String value = string(query);
    if (value == null) {
      throw new IllegalStateException("no number from: " + query);
    }
    return Long.parseLong(value);
  }

  /** The first column of the first row as text; null when there is no row or the value is NULL. */
  public String string(String query) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
