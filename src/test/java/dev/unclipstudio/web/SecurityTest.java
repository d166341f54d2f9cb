package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may see and do what: anonymous, the owner, another user and an admin, over every page and
 * endpoint.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SecurityTest {

  static final String XSS =
      "<script>alert('x')</script><img src=x onerror=alert(1)> \"quoted\" & more";

  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;

  CurrentUser owner;
  CurrentUser other;
  CurrentUser admin;
  long jobId;
  long privateImage;

  @BeforeEach
  void setUp() {
    data.reset();
    owner = data.user("owner");
    other = data.user("other");
    admin = data.user("boss", Role.ADMIN);
    jobId = data.textJob(owner, XSS);
    ClaimedJob job = queue.claim("w").orElseThrow();
    queue.complete(
        job.lease(),
        List.of(
            new ResultImage(
                0,
                7,
                1,
                1,
                "{\"prompt\":\"x\"}",
                null,
                null,
                dev.unclipstudio.testing.Pngs.onePixel(),
                dev.unclipstudio.testing.Pngs.onePixel())));
    privateImage = sql.number("SELECT id FROM image WHERE job_id = " + jobId);
  }

  private WebClient as(CurrentUser user) {
    return WebClient.signedIn(user.username(), "password-" + user.username());
  }

  @Test
  void anonymousVisitorsSeeOnlyTheSignInPages() {
    WebClient anon = WebClient.anonymous();
    assertEquals(200, anon.get("/login").statusCode());
    assertEquals(200, anon.get("/signup").statusCode());
    for (String path :
        List.of(
            "/",
            "/jobs",
            "/jobs/" + jobId,
            "/jobs/" + jobId + "/events",
            "/jobs/" + jobId + "/preview.png",
            "/gallery",
            "/images/" + privateImage,
            "/images/" + privateImage + ".png",
            "/images/" + privateImage + "/thumb.png",
            "/account",
            "/inpaint",
            "/variations",
            "/interpolate",
            "/inpaint?image=" + privateImage,
            "/admin/jobs")) {
      assertEquals(302, anon.get(path).statusCode(), path);
    }
    assertEquals(
        302,
        anon.post("/images/" + privateImage + "/variations", Map.of("images", "1")).statusCode());
    assertEquals(302, anon.post("/interpolate", Map.of("a", "1", "b", "2")).statusCode());
    assertEquals(302, anon.post("/account/tokens", Map.of("name", "x")).statusCode());
    assertEquals(302, anon.post("/jobs", Map.of("prompt", "x", "images", "1")).statusCode());
    assertEquals(302, anon.post("/jobs/" + jobId + "/cancel", Map.of()).statusCode());
  }

  @Test
  void ownersSeeTheirJobsAndPrivateImages() {
    WebClient me = as(owner);
    for (String path :
        List.of(
            "/jobs/" + jobId,
            "/images/" + privateImage,
            "/images/" + privateImage + ".png",
            "/images/" + privateImage + "/thumb.png")) {
      assertEquals(200, me.get(path).statusCode(), path);
    }
  }

  @Test
  void otherUsersCannotSeeOrTouchPrivateThings() {
    WebClient them = as(other);
    for (String path :
        List.of(
            "/jobs/" + jobId,
            "/jobs/" + jobId + "/events",
            "/jobs/" + jobId + "/preview.png",
            "/images/" + privateImage,
            "/images/" + privateImage + ".png",
            "/images/" + privateImage + "/thumb.png")) {
      assertEquals(404, them.get(path).statusCode(), path);
    }
    assertEquals(404, them.post("/jobs/" + jobId + "/cancel", Map.of()).statusCode());
    assertEquals(404, them.post("/jobs/" + jobId + "/retry", Map.of()).statusCode());
    assertEquals(
        404,
        them.post("/images/" + privateImage + "/visibility", Map.of("visibility", "SHARED"))
            .statusCode());
    assertFalse(them.get("/gallery").asString().contains("/images/" + privateImage + "/thumb.png"));
    assertEquals(404, them.get("/inpaint?image=" + privateImage).statusCode());
    assertEquals(404, them.get("/interpolate?a=" + privateImage).statusCode());
    assertEquals(
        404,
        them.post("/images/" + privateImage + "/variations", Map.of("images", "1")).statusCode());
    assertEquals(
        400, them.post("/interpolate", Map.of("a", privateImage, "b", privateImage)).statusCode());
  }

  @Test
  void sharedImagesAreVisibleToEveryoneSignedInButEditableOnlyByTheOwner() {
    assertEquals(
        303,
        as(owner)
            .post("/images/" + privateImage + "/visibility", Map.of("visibility", "SHARED"))
            .statusCode());
    WebClient them = as(other);
    assertEquals(200, them.get("/images/" + privateImage).statusCode());
    assertTrue(them.get("/gallery").asString().contains("/images/" + privateImage + "/thumb.png"));
    assertEquals(
        404,
        them.post("/images/" + privateImage + "/visibility", Map.of("visibility", "PRIVATE"))
            .statusCode());
    assertEquals("SHARED", sql.string("SELECT visibility FROM image WHERE id = " + privateImage));
  }

  @Test
  void adminsSeeEverything() {
    WebClient boss = as(admin);
    for (String path :
        List.of("/jobs/" + jobId, "/images/" + privateImage, "/images/" + privateImage + ".png")) {
      assertEquals(200, boss.get(path).statusCode(), path);
    }
  }

  @Test
  void everyStateChangingPageRouteRefusesAPostWithoutTheCsrfToken() {
    long queued = data.textJob(owner, "queued");
    long cancelled = data.textJob(owner, "cancelled");
    sql.execute("UPDATE job SET status = 'CANCELLED' WHERE id = " + cancelled);
    long token =
        sql.number(
            "INSERT INTO api_token (user_id, name, token_hash) VALUES (%d, 'cli', '%s') RETURNING id"
                .formatted(owner.id(), "a".repeat(64)));
    long blocked =
        sql.number("INSERT INTO prompt_block (pattern) VALUES ('forbidden') RETURNING id");
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('i1/cpu/0', 'i1', 'cpu', 'RUNNING')");
    Map<String, Map<String, String>> ownerRoutes =
        Map.ofEntries(
            Map.entry(
                "/login",
                Map.of("username", owner.username(), "password", "password-" + owner.username())),
            Map.entry("/signup", Map.of("username", "csrfvictim", "password", "long enough pw")),
            Map.entry("/logout", Map.of()),
            Map.entry("/jobs", Map.of("prompt", "forged", "images", "1")),
            Map.entry("/jobs/" + queued + "/cancel", Map.of()),
            Map.entry("/jobs/" + cancelled + "/retry", Map.of()),
            Map.entry("/images/" + privateImage + "/visibility", Map.of("visibility", "SHARED")),
            Map.entry(
                "/images/visibility", Map.of("id", "" + privateImage, "visibility", "SHARED")),
            Map.entry("/images/" + privateImage + "/variations", Map.of("images", "1")),
            Map.entry("/variations", Map.of("images", "1")),
            Map.entry("/interpolate", Map.of("a", "" + privateImage, "b", "" + privateImage)),
            Map.entry("/inpaint", Map.of("prompt", "forged")),
            Map.entry("/account/tokens", Map.of("name", "forged")),
            Map.entry("/account/tokens/" + token + "/revoke", Map.of()),
            Map.entry("/account/sign-out-everywhere", Map.of()),
            Map.entry(
                "/account/password",
                Map.of(
                    "currentPassword", "password-" + owner.username(),
                    "newPassword", "forged but long words",
                    "repeatPassword", "forged but long words")));
    Map<String, Map<String, String>> adminRoutes =
        Map.ofEntries(
            Map.entry("/admin/jobs/" + queued + "/cancel", Map.of()),
            Map.entry("/admin/jobs/" + cancelled + "/retry", Map.of()),
            Map.entry("/admin/jobs/" + queued + "/priority", Map.of("priority", "50")),
            Map.entry("/admin/jobs/purge", Map.of("days", "1")),
            Map.entry("/admin/workers/i1/pause", Map.of()),
            Map.entry("/admin/users/" + owner.id(), Map.of("enabled", "false", "role", "ADMIN")),
            Map.entry("/admin/users/" + owner.id() + "/sign-out", Map.of()),
            Map.entry(
                "/admin/settings/limits",
                Map.of("maxActivePerUser", "99", "dailyImageQuota", "99", "maxQueued", "99")),
            Map.entry("/admin/settings/blocklist", Map.of("pattern", "forged")),
            Map.entry("/admin/settings/blocklist/" + blocked + "/delete", Map.of()));
    WebClient me = as(owner);
    WebClient boss = as(admin);
    String before = everythingAPostCouldChange();

    ownerRoutes.forEach((path, form) -> assertRefused(me, path, form));
    adminRoutes.forEach((path, form) -> assertRefused(boss, path, form));

    assertEquals(before, everythingAPostCouldChange());
    assertEquals(200, me.get("/jobs").statusCode(), "a forged sign-out must not sign us out");
    assertEquals(200, boss.get("/admin/jobs").statusCode());
  }

  private static void assertRefused(WebClient client, String path, Map<String, String> form) {
    int empty = client.postEmptyWithoutCsrf(path).statusCode();
    assertTrue(refused(empty), path + " accepted a forged empty POST: " + empty);
    int withForm = client.postWithoutCsrf(path, form).statusCode();
    assertTrue(refused(withForm), path + " accepted a forged form: " + withForm);
  }

  /** 400 and 403 from the CSRF checks; 415 where a page takes multipart uploads only. */
  private static boolean refused(int status) {
    return status == 400 || status == 403 || status == 415;
  }

  /** The rows that any page POST could change, as one comparable string. */
  private String everythingAPostCouldChange() {
    return sql.string(
        """
        SELECT concat_ws(' | ',
          (SELECT string_agg(concat_ws(',', id, status, priority, cancel_requested), ';' ORDER BY id) FROM job),
          (SELECT string_agg(concat_ws(',', id, visibility), ';' ORDER BY id) FROM image),
          (SELECT string_agg(concat_ws(',', id, username, role, enabled, max_active_jobs,
                                       daily_image_quota, password_hash), ';' ORDER BY id) FROM app_user),
          (SELECT string_agg(token_hash, ';' ORDER BY token_hash) FROM user_session),
          (SELECT string_agg(concat_ws(',', id, revoked_at), ';' ORDER BY id) FROM api_token),
          (SELECT string_agg(concat_ws(',', name, desired_state), ';' ORDER BY name) FROM worker),
          (SELECT string_agg(concat_ws(',', key, value), ';' ORDER BY key) FROM studio_setting),
          (SELECT string_agg(pattern, ';' ORDER BY id) FROM prompt_block))
        """);
  }

  @Test
  void anAnonymousSignInWithoutABodyIsRefusedNotAnError() {
    WebClient anon = WebClient.anonymous();
    anon.get("/login");
    HttpResponse<String> response = anon.postEmptyWithoutCsrf("/login");
    assertEquals(403, response.statusCode());
    assertTrue(response.body().contains("Reload the page"), response.body());
    assertEquals(403, WebClient.anonymous().postEmptyWithoutCsrf("/signup").statusCode());
  }

  @Test
  void aCrossSitePostWithAnotherContentTypeIsRefused() {
    WebClient me = as(owner);
    int status =
        io.restassured.RestAssured.given()
            .redirects()
            .follow(false)
            .cookie("studio_session", me.cookie("studio_session"))
            .contentType("text/plain")
            .body("x")
            .post("/jobs/" + jobId + "/cancel")
            .statusCode();
    assertEquals(415, status);
    assertEquals("SUCCEEDED", data.status(jobId));
  }

  @Test
  void promptsWithHtmlAreShownEscapedEverywhere() {
    as(owner).post("/images/" + privateImage + "/visibility", Map.of("visibility", "SHARED"));
    WebClient me = as(owner);
    for (String path :
        List.of("/", "/jobs", "/jobs/" + jobId, "/images/" + privateImage, "/gallery")) {
      String html = me.get(path).asString();
      assertFalse(html.contains("<script>alert"), path + " shows the script unescaped");
      assertFalse(html.contains("<img src=x"), path + " shows the tag unescaped");
      assertTrue(html.contains("&lt;script&gt;"), path + " does not show the prompt at all");
    }
  }
}
