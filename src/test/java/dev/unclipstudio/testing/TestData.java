package dev.unclipstudio.testing;

import dev.unclipstudio.account.AccountService;
import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobKind;
import dev.unclipstudio.job.JobParams;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.JobSubmission;
import dev.unclipstudio.job.ResultImage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Users and jobs for tests, made through the real services. */
@ApplicationScoped
public class TestData {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private final Sql sql;
  private final AccountService accounts;
  private final JobSubmission submission;
  private final JobQueue queue;

  TestData(Sql sql, AccountService accounts, JobSubmission submission, JobQueue queue) {
    this.sql = sql;
    this.accounts = accounts;
    this.submission = submission;
    this.queue = queue;
  }

  /**
   * Removes every job and image, every user but the administrator created at start, and the sign-in
   * and sign-up counts (every test signs in from the same address).
   */
  public void reset() {
    sql.execute(
        "TRUNCATE job, image, image_data, worker, user_session, sign_in_failure, sign_up CASCADE",
        "DELETE FROM app_user WHERE username <> 'admin'",
        "UPDATE app_user SET last_served_at = NULL, queued_jobs = 0");
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
    return submission.submit(
        owner,
        JobKind.TEXT_TO_IMAGE,
        JobParams.textToImage(prompt, List.of(1L), null, null, null, null),
        "tiny",
        "test");
  }

  /**
   * Queues a text → image job straight into the table, bypassing the form's limits (for very long
   * jobs) and the NOTIFY (for the polling test); returns its id.
   */
  public long rawJob(CurrentUser owner, String prompt, String paramsJson, int images) {
    return sql.number(
        """
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
        VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED', '%s', '%s', %d, 3, 'tiny', 'test')
        RETURNING id
        """
            .formatted(
                owner.id(), paramsJson.replace("'", "''"), prompt.replace("'", "''"), images));
  }

  /**
   * A text → image job of {@code owner}'s run to the end by a worker "w" with one 1×1 image
   * (private); returns the image's id. The job must be the only one queued.
   */
  public long finishedImage(CurrentUser owner, String prompt) {
    textJob(owner, prompt);
    ClaimedJob job = queue.claim("w").orElseThrow();
    queue.complete(
        job.lease(),
        List.of(new ResultImage(0, 1, 1, 1, "{}", null, null, Pngs.onePixel(), Pngs.onePixel())));
    return sql.number("SELECT id FROM image WHERE job_id = " + job.lease().jobId());
  }

  public String status(long jobId) {
    return sql.string("SELECT status FROM job WHERE id = " + jobId);
  }
}
