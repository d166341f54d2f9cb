package dev.unclipstudio.job;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure means "the database cannot be reached right now" rather than "this request is
 * wrong": the one rule by which the pages and the API answer 503 instead of 500, and by which a
 * worker leaves a job to be retried instead of failing it.
 */
public final class DatabaseOutage {

  private DatabaseOutage() {}

  /**
   * Connection failures (SQL state class 08), a server shutting down, restarting or starting
   * (57P01-57P03: "the database system is shutting down", found by bench/drill.sh), a pool that
   * could not open a new connection in time, and Hibernate's wrapping of these, anywhere in the
   * chain.
   */
  public static boolean isCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s
          && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[123]"))) {
        return true;
      }
      String message = t.getMessage();
      if (message != null
          && (message.contains("Unable to acquire JDBC Connection") // Hibernate
              || message.contains(
                  "Acquisition timeout while waiting for new connection"))) { // Agroal
        return true;
      }
    }
    return false;
  }
}
