package dev.unclipstudio.testing;

import dev.unclipstudio.account.AccountService;
import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.job.JobKind;
import dev.unclipstudio.job.JobParams;
import dev.unclipstudio.job.JobSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Users and jobs for tests, made through the real services. */
@ApplicationScoped
public class TestData {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private final DataSource dataSource;
  private final AccountService accounts;
  private final JobSubmission submission;

  TestData(DataSource dataSource, AccountService accounts, JobSubmission submission) {
    this.dataSource = dataSource;
    this.accounts = accounts;
    this.submission = submission;
  }

  /** Removes every job and image, and every user but the administrator created at start. */
  public void reset() {
    sql("TRUNCATE job, image, image_data, worker, user_session CASCADE",
        "DELETE FROM app_user WHERE username <> 'admin'",
        "UPDATE app_user SET last_served_at = NULL");
  }

  public CurrentUser user(String prefix) {
    return user(prefix, Role.USER);
  }

  public CurrentUser user(String prefix, Role role) {
    String name = prefix + NEXT.incrementAndGet();
    AppUser user = accounts.signUp(name, "password-" + name, role);
    return new CurrentUser(user.id, name, role);
  }

  public long textJob(CurrentUser owner, String prompt) {
    return submission.submit(owner, JobKind.TEXT_TO_IMAGE,
        JobParams.textToImage(prompt, List.of(1L), null, null, null, null), "tiny", "test");
  }

  /**
   * Queues a text → image job straight into the table, bypassing the form's limits (for very long jobs) and the
   * NOTIFY (for the polling test); returns its id.
   */
  public long rawJob(CurrentUser owner, String prompt, String paramsJson, int images) {
    sql("""
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
        VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED', '%s', '%s', %d, 3, 'tiny', 'test')
        """.formatted(owner.id(), paramsJson.replace("'", "''"), prompt.replace("'", "''"), images));
    return count("SELECT max(id) FROM job");
  }

  public void sql(String... statements) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String status(long jobId) {
    return string("SELECT status FROM job WHERE id = " + jobId);
  }

  public long count(String sql) {
    return Long.parseLong(string(sql));
  }

  public String string(String query) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
