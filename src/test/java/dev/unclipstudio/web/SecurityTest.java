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
  void everyFormRejectsAPostWithoutTheCsrfToken() {
    WebClient me = as(owner);
    Map<String, Map<String, String>> forms =
        Map.of(
            "/login",
            Map.of("username", owner.username(), "password", "password-" + owner.username()),
            "/signup",
            Map.of("username", "csrfvictim", "password", "long enough pw"),
            "/jobs",
            Map.of("prompt", "forged", "images", "1"),
            "/jobs/" + jobId + "/cancel",
            Map.of(),
            "/jobs/" + jobId + "/retry",
            Map.of(),
            "/images/" + privateImage + "/visibility",
            Map.of("visibility", "SHARED"),
            "/logout",
            Map.of(),
            "/account/sign-out-everywhere",
            Map.of());
    forms.forEach(
        (path, form) -> {
          int status = me.postWithoutCsrf(path, form).statusCode();
          assertTrue(status == 400 || status == 403, path + " accepted a forged form: " + status);
        });
    assertEquals(1, sql.count("job WHERE owner_id = " + owner.id()));
    assertEquals("PRIVATE", sql.string("SELECT visibility FROM image WHERE id = " + privateImage));
    assertEquals(
        200, me.get("/jobs").statusCode(), "the forged sign-out must not have signed us out");
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
