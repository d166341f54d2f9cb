package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A queued job says why it is not moving when no worker will take it soon. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class QueueNoteTest {

  @Inject TestData data;
  @Inject Sql sql;

  CurrentUser user;
  WebClient browser;
  long job;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("waiting");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
    job = data.textJob(user, "a green triangle");
  }

  private String page() {
    return browser.get("/jobs/" + job).asString();
  }

  @Test
  void pausedWorkersAreNamedAsTheReasonAQueuedJobWaits() {
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('a/cpu/0', 'a', 'cpu', 'PAUSED')");
    assertTrue(page().contains(JobService.WORKERS_PAUSED), page());

    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('b/cpu/0', 'b', 'cpu', 'RUNNING')");
    assertFalse(page().contains(JobService.WORKERS_PAUSED), "a running worker will take it");
  }

  @Test
  void aQueueWithNoLiveWorkerSaysSo() {
    assertTrue(page().contains(JobService.NO_WORKERS));
    // a worker whose instance died (heartbeat older than the lease) runs nothing either
    sql.execute(
        "INSERT INTO worker (name, instance, device, state, heartbeat_at)"
            + " VALUES ('gone/cpu/0', 'gone', 'cpu', 'RUNNING', now() - interval '10 minutes')");
    assertTrue(page().contains(JobService.NO_WORKERS));
  }
}
