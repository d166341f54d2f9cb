package dev.unclipstudio.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.Lease;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AdminConsoleTest {

  static final List<String> PAGES =
      List.of("/admin/jobs", "/admin/workers", "/admin/users", "/admin/settings");

  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;
  @Inject ApiTokens tokens;

  CurrentUser user;
  CurrentUser admin;

  @BeforeEach
  void setUp() {
    data.reset();
    sql.execute("DELETE FROM studio_setting", "DELETE FROM prompt_block");
    user = data.user("plain");
    admin = data.user("root", Role.ADMIN);
  }

  private WebClient as(CurrentUser u) {
    return WebClient.signedIn(u.username(), "password-" + u.username());
  }

  @Test
  void onlyAdminsReachTheConsole() {
    WebClient anon = WebClient.anonymous();
    WebClient plain = as(user);
    WebClient boss = as(admin);
    for (String page : PAGES) {
      assertEquals(302, anon.get(page).statusCode(), page);
      assertEquals(403, plain.get(page).statusCode(), page);
      assertEquals(200, boss.get(page).statusCode(), page);
    }
    long job = data.textJob(user, "mine");
    for (String action :
        List.of(
            "/admin/jobs/" + job + "/cancel",
            "/admin/jobs/" + job + "/priority",
            "/admin/jobs/purge",
            "/admin/users/" + user.id(),
            "/admin/users/" + user.id() + "/sign-out",
            "/admin/settings/limits",
            "/admin/settings/blocklist",
            "/admin/workers/x/pause")) {
      assertEquals(
          403,
          plain
              .post(
                  action,
                  Map.of(
                      "priority",
                      "5",
                      "days",
                      "1",
                      "pattern",
                      "x",
                      "role",
                      "ADMIN",
                      "enabled",
                      "true",
                      "maxActivePerUser",
                      "1",
                      "dailyImageQuota",
                      "1",
                      "maxQueued",
                      "1"))
              .statusCode(),
          action);
    }
    assertEquals("QUEUED", data.status(job));
    assertEquals("USER", sql.string("SELECT role FROM app_user WHERE id = " + user.id()));
  }

  @Test
  void adminsFilterCancelAndReprioritiseAnyonesJobs() {
    long a = data.textJob(user, "first prompt");
    long b = data.textJob(data.user("someone"), "second prompt");
    WebClient boss = as(admin);
    String filtered = boss.get("/admin/jobs?user=" + user.username()).asString();
    assertTrue(filtered.contains("first prompt"));
    assertFalse(filtered.contains("second prompt"));

    assertEquals(
        303, boss.post("/admin/jobs/" + b + "/priority", Map.of("priority", "10")).statusCode());
    assertEquals(
        b, queue.claim("w").orElseThrow().lease().jobId(), "the higher priority job must go first");
    assertEquals(
        303, boss.post("/admin/jobs/" + a + "/cancel", Map.of("confirmed", "yes")).statusCode());
    assertEquals("CANCELLED", data.status(a));
    assertTrue(boss.get("/admin/jobs?status=CANCELLED").asString().contains("first prompt"));
    assertEquals(
        400, boss.post("/admin/jobs/" + a + "/priority", Map.of("priority", "1000")).statusCode());
  }

  @Test
  void purgeRemovesOldFailedJobsButNeverImages() {
    long old = data.textJob(user, "old failure");
    sql.execute(
        "UPDATE job SET status = 'FAILED', finished_at = now() - interval '40 days' WHERE id = "
            + old);
    long recent = data.textJob(user, "recent failure");
    sql.execute("UPDATE job SET status = 'FAILED', finished_at = now() WHERE id = " + recent);
    WebClient boss = as(admin);
    Response asked = boss.post("/admin/jobs/purge", Map.of("days", "30"));
    assertEquals(200, asked.statusCode());
    assertTrue(asked.asString().contains("Delete 1 job?"), asked.asString());
    assertEquals(1, sql.count("job WHERE id = " + old), "nothing is deleted before the answer");
    boss.post("/admin/jobs/purge", Map.of("days", "30", "confirmed", "yes"));
    assertEquals(0, sql.count("job WHERE id = " + old));
    assertEquals(1, sql.count("job WHERE id = " + recent));
  }

  @Test
  void disablingAUserOrSigningThemOutTakesEffectAtOnce() {
    WebClient victim = as(user);
    WebClient boss = as(admin);
    boss.post("/admin/users/" + user.id() + "/sign-out", Map.of("confirmed", "yes"));
    assertEquals(302, victim.get("/jobs").statusCode());

    WebClient again = as(user);
    boss.post(
        "/admin/users/" + user.id(),
        Map.of("role", "USER", "maxActiveJobs", "", "dailyImageQuota", "", "confirmed", "yes"));
    assertEquals("f", sql.string("SELECT enabled FROM app_user WHERE id = " + user.id()));
    assertEquals(302, again.get("/jobs").statusCode());
  }

  @Test
  void destructiveActionsAskFirstAndChangeNothingUntilConfirmed() {
    WebClient victim = as(user);
    WebClient boss = as(admin);

    Response signOut = boss.post("/admin/users/" + user.id() + "/sign-out", Map.of());
    assertEquals(200, signOut.statusCode());
    String page = signOut.asString();
    assertTrue(page.contains("Sign " + user.username() + " out everywhere?"), page);
    assertTrue(page.contains("name=\"confirmed\" value=\"yes\""), "the step sends the form again");
    assertTrue(page.contains("action=\"/admin/users/" + user.id() + "/sign-out\""), page);
    assertEquals(200, victim.get("/jobs").statusCode(), "still signed in");

    Response disable =
        boss.post(
            "/admin/users/" + user.id(),
            Map.of("role", "USER", "maxActiveJobs", "3", "dailyImageQuota", ""));
    assertEquals(200, disable.statusCode());
    assertTrue(disable.asString().contains("Disable " + user.username() + "?"));
    assertTrue(disable.asString().contains("name=\"maxActiveJobs\" value=\"3\""), "input kept");
    assertEquals("t", sql.string("SELECT enabled FROM app_user WHERE id = " + user.id()));
    assertEquals(200, victim.get("/jobs").statusCode());

    assertEquals(
        303,
        boss.post(
                "/admin/users/" + user.id(),
                Map.of(
                    "enabled", "true", "role", "USER", "maxActiveJobs", "3", "dailyImageQuota", ""))
            .statusCode(),
        "changes that disable no one need no confirmation");
    assertEquals("3", sql.string("SELECT max_active_jobs FROM app_user WHERE id = " + user.id()));
  }

  @Test
  void theJobListKeepsItsFilterAfterCancelRetryPriorityAndPurge() {
    long job = data.textJob(user, "filtered");
    WebClient boss = as(admin);
    String filter =
        "?status=QUEUED&user=" + user.username() + "&kind=TEXT_TO_IMAGE&from=2026-01-01";
    String list = boss.get("/admin/jobs" + filter).asString();
    assertTrue(
        list.contains(
            "action=\"/admin/jobs/" + job + "/cancel" + filter.replace("&", "&amp;") + "\""),
        "the list's actions carry its filter");

    for (Response r :
        List.of(
            boss.post("/admin/jobs/" + job + "/priority" + filter, Map.of("priority", "5")),
            boss.post("/admin/jobs/" + job + "/cancel" + filter, Map.of("confirmed", "yes")),
            boss.post("/admin/jobs/" + job + "/retry" + filter, Map.of()),
            boss.post("/admin/jobs/purge" + filter, Map.of("days", "30", "confirmed", "yes")))) {
      assertEquals(303, r.statusCode(), r.asString());
      assertTrue(r.header("Location").endsWith("/admin/jobs" + filter), r.header("Location"));
    }
    assertEquals("QUEUED", data.status(job), "cancelled, then retried");
    assertEquals("5", sql.string("SELECT priority FROM job WHERE id = " + job));
  }

  @Test
  void cancellingAsksFirstKeepsTheFilterAndTellsTheOwnerWhy() {
    long queued = data.textJob(user, "waiting");
    WebClient boss = as(admin);
    String filter = "?status=QUEUED&user=" + user.username();
    Response asked = boss.post("/admin/jobs/" + queued + "/cancel" + filter, Map.of());
    assertEquals(200, asked.statusCode());
    String page = asked.asString();
    assertTrue(page.contains("Cancel job #" + queued + " of " + user.username() + "?"), page);
    String query = filter.replace("&", "&amp;");
    assertTrue(page.contains("action=\"/admin/jobs/" + queued + "/cancel" + query + "\""), page);
    assertTrue(page.contains("href=\"/admin/jobs" + query + "\">Go back</a>"), page);
    assertEquals("QUEUED", data.status(queued), "nothing happens before the answer");

    Response done =
        boss.post("/admin/jobs/" + queued + "/cancel" + filter, Map.of("confirmed", "yes"));
    assertEquals(303, done.statusCode());
    assertTrue(done.header("Location").endsWith("/admin/jobs" + filter), done.header("Location"));
    assertEquals("CANCELLED", data.status(queued));
    WebClient owner = as(user);
    assertTrue(
        owner
            .get("/jobs/" + queued)
            .asString()
            .contains("id=\"job-error\">" + AdminResource.CANCELLED_BY_ADMIN + "</p>"),
        "the owner's page says who cancelled it");
    given()
        .header("Authorization", "Bearer " + tokens.create(user.id(), "script"))
        .get("/api/v1/jobs/" + queued)
        .then()
        .statusCode(200)
        .body("status", equalTo("CANCELLED"))
        .body("error", equalTo(AdminResource.CANCELLED_BY_ADMIN));

    // a running job keeps the reason when its worker honours the request
    long running = data.textJob(user, "running");
    Lease lease = queue.claim("w").orElseThrow().lease();
    boss.post("/admin/jobs/" + running + "/cancel", Map.of("confirmed", "yes"));
    assertTrue(queue.markCancelled(lease));
    assertEquals("CANCELLED", data.status(running));
    assertEquals(
        AdminResource.CANCELLED_BY_ADMIN,
        sql.string("SELECT error FROM job WHERE id = " + running));

    // the owner's own cancel needs no reason
    long own = data.textJob(user, "changed my mind");
    owner.post("/jobs/" + own + "/cancel", Map.of());
    assertEquals("CANCELLED", data.status(own));
    assertNull(sql.string("SELECT error FROM job WHERE id = " + own));
  }

  @Test
  void theJobListNamesKindsAndStatusesAndShowsWhenJobsWereMadeAndHowLongTheyRan() {
    long ran = data.textJob(user, "finished one");
    sql.execute(
        "UPDATE job SET status = 'SUCCEEDED', created_at = timestamptz '2026-03-01 10:00:00+00',"
            + " started_at = timestamptz '2026-03-01 10:00:30+00',"
            + " finished_at = timestamptz '2026-03-01 10:01:35+00' WHERE id = "
            + ran);
    long waiting = data.textJob(user, "still waiting");
    String page = as(admin).get("/admin/jobs").asString();
    String done = row(page, "finished one");
    assertTrue(
        done.contains("<time datetime=\"2026-03-01T10:00:00Z\">2026-03-01 10:00:00 UTC</time>"),
        done);
    assertTrue(done.contains("<td>1 min 5 s</td>"), done);
    assertTrue(done.contains(">Done</span>"), done);
    assertTrue(done.contains("<td>Text to image</td>"), done);
    assertTrue(row(page, "still waiting").contains(">Queued</span>"), page);
    assertTrue(row(page, "still waiting").contains("<td></td>"), "no run time before it starts");
    assertTrue(page.contains("<option value=\"TEXT_TO_IMAGE\" >Text to image</option>"), page);
    assertTrue(page.contains("<option value=\"SUCCEEDED\" >Done</option>"), page);
    for (String internal : List.of(">TEXT_TO_IMAGE<", ">VARIATION<", ">QUEUED<", ">SUCCEEDED<")) {
      assertFalse(page.contains(internal), internal);
    }
    assertTrue(page.contains("#" + waiting));
  }

  @Test
  void queueLimitsAndTheBlocklistApplyToSubmissions() {
    WebClient boss = as(admin);
    boss.post(
        "/admin/settings/limits",
        Map.of("maxActivePerUser", "1", "dailyImageQuota", "100", "maxQueued", "50"));
    boss.post("/admin/settings/blocklist", Map.of("pattern", "Forbidden Shape"));
    WebClient plain = as(user);

    Response blocked =
        plain.post("/jobs", Map.of("prompt", "a forbidden shape in blue", "images", "1"));
    assertEquals(400, blocked.statusCode());
    assertTrue(
        blocked.asString().contains("does not accept prompts containing"), blocked.asString());

    data.textJob(user, "fills the one slot");
    Response limited = plain.post("/jobs", Map.of("prompt", "a red circle", "images", "1"));
    assertEquals(429, limited.statusCode());
    assertTrue(limited.asString().contains("already have 1 jobs"));
  }

  @Test
  void aWorkerWithoutAHeartbeatForLongerThanTheLeaseShowsAsLost() {
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES"
            + " ('killed/cpu/0', 'killed', 'cpu', 'RUNNING'),"
            + " ('alive/cpu/0', 'alive', 'cpu', 'RUNNING')",
        // the lease is 60 s: as if the instance had been killed 75 s ago
        "UPDATE worker SET heartbeat_at = now() - interval '75 seconds' WHERE name = 'killed/cpu/0'");
    String page = as(admin).get("/admin/workers").asString();
    assertTrue(row(page, "killed/cpu/0").contains("Lost"), page);
    assertTrue(row(page, "killed/cpu/0").contains("has probably stopped"), page);
    assertTrue(row(page, "alive/cpu/0").contains("Running"), page);
    assertFalse(row(page, "alive/cpu/0").contains("Lost"), page);
    assertFalse(
        page.contains(">RUNNING<") || page.contains(">LOST"), "states in words, not stored names");
  }

  private static String row(String page, String worker) {
    int at = page.indexOf(worker);
    assertTrue(at >= 0, worker + " is not listed");
    return page.substring(page.lastIndexOf("<tr>", at), page.indexOf("</tr>", at));
  }
}
