package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retrying is submitting again: it cannot lift a user over the active-job cap or the quota. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class RetryLimitsTest {

  @Inject JobSubmission submission;
  @Inject JobQueue queue;
  @Inject TestData data;
  @Inject Sql sql;

  @BeforeEach
  void setUp() {
    data.reset();
  }

  @Test
  void cancellingThenRetryingCannotGoOverTheActiveJobCap() {
    CurrentUser user = data.user("capped");
    sql.execute("UPDATE app_user SET max_active_jobs = 4 WHERE id = " + user.id());
    List<Long> first = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      first.add(data.textJob(user, "first " + i));
    }
    first.subList(0, 2).forEach(queue::cancel);
    data.textJob(user, "replacement 1");
    data.textJob(user, "replacement 2");

    LimitExceededException e =
        assertThrows(LimitExceededException.class, () -> submission.retry(first.get(0)));
    assertTrue(e.getMessage().contains("4 jobs queued or running"), e.getMessage());
    assertEquals("CANCELLED", data.status(first.get(0)));
    assertEquals(4, active(user));
  }

  @Test
  void retriedImagesCountAgainstTheDailyQuota() {
    CurrentUser user = data.user("quota");
    sql.execute("UPDATE app_user SET daily_image_quota = 2 WHERE id = " + user.id());
    long one = data.textJob(user, "one");
    data.textJob(user, "two");
    queue.cancel(one);
    data.textJob(user, "three, in the cancelled job's place");

    LimitExceededException e =
        assertThrows(LimitExceededException.class, () -> submission.retry(one));
    assertTrue(e.getMessage().contains("daily quota of 2 images"), e.getMessage());
    assertEquals("CANCELLED", data.status(one));
  }

  @Test
  void aRetryOfYesterdaysJobCountsToday() {
    CurrentUser user = data.user("yesterday");
    sql.execute("UPDATE app_user SET daily_image_quota = 1 WHERE id = " + user.id());
    long old = data.textJob(user, "old");
    sql.execute(
        "UPDATE job SET status = 'FAILED', created_at = now() - interval '2 days' WHERE id = "
            + old);

    assertTrue(submission.retry(old));
    assertThrows(LimitExceededException.class, () -> data.textJob(user, "over today's quota"));
  }

  @Test
  void aFailedJobOfTodayCountsOnceWhenRetried() {
    CurrentUser user = data.user("once");
    sql.execute("UPDATE app_user SET daily_image_quota = 1 WHERE id = " + user.id());
    long job = data.textJob(user, "flaky");
    sql.execute("UPDATE job SET status = 'FAILED' WHERE id = " + job);

    assertTrue(submission.retry(job));
    assertEquals("QUEUED", data.status(job));
  }

  @Test
  void theRetryButtonShowsWhyItWasRefused() {
    CurrentUser user = data.user("page");
    sql.execute("UPDATE app_user SET max_active_jobs = 1 WHERE id = " + user.id());
    long cancelled = data.textJob(user, "cancelled");
    queue.cancel(cancelled);
    data.textJob(user, "running instead");

    WebClient me = WebClient.signedIn(user.username(), "password-" + user.username());
    var response = me.post("/jobs/" + cancelled + "/retry", Map.of());
    assertEquals(429, response.statusCode());
    assertTrue(response.asString().contains("1 jobs queued or running"), response.asString());
    assertEquals("CANCELLED", data.status(cancelled));
  }

  @Test
  void administratorsRetryOverTheOwnersLimits() {
    CurrentUser user = data.user("repaired");
    sql.execute("UPDATE app_user SET max_active_jobs = 1 WHERE id = " + user.id());
    long failed = data.textJob(user, "failed by an outage");
    sql.execute("UPDATE job SET status = 'FAILED' WHERE id = " + failed);
    data.textJob(user, "running");
    CurrentUser admin = data.user("boss", Role.ADMIN);

    WebClient boss = WebClient.signedIn(admin.username(), "password-" + admin.username());
    assertEquals(303, boss.post("/admin/jobs/" + failed + "/retry", Map.of()).statusCode());
    assertEquals("QUEUED", data.status(failed));
    assertFalse(submission.retry(failed), "a queued job is not retried twice");
  }

  private long active(CurrentUser user) {
    return sql.count("job WHERE status IN ('QUEUED', 'RUNNING') AND owner_id = " + user.id());
  }
}
