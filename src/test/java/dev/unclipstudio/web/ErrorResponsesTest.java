package dev.unclipstudio.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.DatabaseOutage;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors that help: problem details from the API, the studio's own pages everywhere else. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ErrorResponsesTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;

  CurrentUser user;
  String token;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("erring");
    token = tokens.create(user.id(), "test");
  }

  private Response post(String contentType, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType(contentType)
        .body(body)
        .post("/api/v1/jobs");
  }

  private static void assertProblem(Response r, int status, String detailFragment) {
    assertEquals(status, r.statusCode(), r.asString());
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    assertEquals(status, r.jsonPath().getInt("status"));
    assertTrue(r.jsonPath().getString("title").length() > 0);
    assertTrue(r.jsonPath().getString("detail").contains(detailFragment), r.asString());
  }

  @Test
  void malformedJsonWrongTypesAndUnknownFieldsAreRefusedWithTheFieldNamed() {
    assertProblem(post("application/json", "{\"prompt\": "), 400, "not valid JSON");
    Response wrongType =
        post("application/json", "{\"prompt\": \"a red circle\", \"images\": \"x\"}");
    assertProblem(wrongType, 400, "\"images\"");
    assertTrue(wrongType.jsonPath().getString("fields.images").contains("wrong type"));
    assertProblem(
        post("application/json", "{\"prompt\": \"a red circle\", \"sed\": 5}"), 400, "\"sed\"");
    assertEquals(0, sql.count("job"), "nothing was queued");
  }

  @Test
  void theApiAnswersProblemDetailsForValidationUnknownJobsAndMediaTypes() {
    Response invalid = post("application/json", "{\"prompt\": \"\"}");
    assertProblem(invalid, 400, "invalid fields");
    assertEquals("Describe the image you want.", invalid.jsonPath().getString("fields.prompt"));
    assertProblem(
        given().header("Authorization", "Bearer " + token).get("/api/v1/jobs/999999"),
        404,
        "No such job");
    assertProblem(post("text/plain", "a red circle"), 415, "application/json");
  }

  @Test
  void unknownPagesAndOthersPrivateThingsGetTheStudiosPageWithItsNavigation() {
    CurrentUser stranger = data.user("stranger");
    long theirJob = data.textJob(stranger, "their private circle");
    sql.execute(
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params)
        VALUES (%d, %d, 0, 1, 1, 1, '{}')"""
            .formatted(theirJob, stranger.id()));
    long theirImage = sql.number("SELECT id FROM image WHERE job_id = " + theirJob);
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    for (String page :
        new String[] {
          "/no-such-page", "/jobs/999999", "/jobs/" + theirJob, "/images/" + theirImage
        }) {
      assertStudioPage(browser.get(page), 404, "Not Found");
    }
  }

  @Test
  void aSignedInUserWhoIsNotAnAdministratorGetsTheStudios403Page() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    for (String page : new String[] {"/admin", "/admin/users"}) {
      String html = assertStudioPage(browser.get(page), 403, "Forbidden");
      assertTrue(html.contains("This is for administrators only."), html);
    }
  }

  /**
   * The error page in the studio's layout: its title, the main navigation and the ways on. Returns
   * the page.
   */
  private static String assertStudioPage(Response r, int status, String title) {
    String html = r.asString();
    assertEquals(status, r.statusCode(), html);
    assertTrue(r.contentType().startsWith("text/html"), r.contentType());
    assertTrue(html.contains("<title>" + title + " · Unclip Studio</title>"), html);
    assertTrue(html.contains("<h1>" + title + "</h1>"), html);
    String nav = html.substring(html.indexOf("<nav aria-label=\"Main\">"), html.indexOf("</nav>"));
    for (String link : new String[] {"/", "/jobs", "/gallery", "/account"}) {
      assertTrue(nav.contains("href=\"" + link + "\""), "navigation to " + link + ": " + nav);
    }
    return html;
  }

  @Test
  void anUnreachableDatabaseIsATemporaryFailure() {
    assertTrue(
        DatabaseOutage.isCause(
            new IllegalStateException(new SQLTransientConnectionException("refused", "08001"))));
    assertTrue(
        DatabaseOutage.isCause(
            new RuntimeException(new java.sql.SQLException("connection lost", "08006"))));
    assertTrue(
        !DatabaseOutage.isCause(
            new RuntimeException(new java.sql.SQLException("syntax", "42601"))));
  }

  /** A PostgreSQL restart refuses new connections with 57P03 before it stops listening. */
  @Test
  void aDatabaseShuttingDownOrStartingIsATemporaryFailure() {
    for (String state : new String[] {"57P01", "57P02", "57P03"}) {
      assertTrue(
          DatabaseOutage.isCause(
              new IllegalStateException(
                  "Could not check an API token",
                  new java.sql.SQLException("the database system is shutting down", state))),
          state);
    }
    assertTrue(
        !DatabaseOutage.isCause(
            new RuntimeException(new java.sql.SQLException("query cancelled", "57014"))));
  }
}
