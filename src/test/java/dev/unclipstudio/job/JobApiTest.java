package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class JobApiTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;

  CurrentUser user;
  String token;

  @BeforeEach
  void setUp() {
    data.reset();
    sql.execute("DELETE FROM studio_setting", "DELETE FROM prompt_block");
    user = data.user("scripter");
    token = tokens.create(user.id(), "test");
  }

  @Test
  void aTokenCreatedOnTheAccountPageIsShownOnceAndWorks() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    Response created = browser.post("/account/tokens", Map.of("name", "laptop script"));
    assertEquals(200, created.statusCode());
    Matcher m =
        Pattern.compile("<code id=\"new-token\">([^<]+)</code>").matcher(created.asString());
    assertTrue(m.find(), "the new token is shown");
    String shown = m.group(1);
    assertTrue(shown.startsWith("ucs_"));
    assertTrue(
        !browser.get("/account").asString().contains(shown), "the token must not be shown again");
    assertTrue(
        !sql.string("SELECT string_agg(token_hash, ',') FROM api_token").contains(shown),
        "stored hashed");
    given().header("Authorization", "Bearer " + shown).get("/api/v1/jobs").then().statusCode(200);
  }

  @Test
  void submitStatusListAndCancelOverTheApi() {
    Response r =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"a red circle at the top\", \"images\": 2, \"seed\": 7}")
            .post("/api/v1/jobs");
    assertEquals(202, r.statusCode(), r.asString());
    long id = r.jsonPath().getLong("id");
    assertTrue(r.header("Location").endsWith("/api/v1/jobs/" + id));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("QUEUED"))
        .body("prompt", equalTo("a red circle at the top"));
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs")
        .then()
        .statusCode(200)
        .body("[0].id", equalTo((int) id));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .post("/api/v1/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("outcome", equalTo("CANCELLED"));
    assertEquals("[7, 8]", sql.string("SELECT params->'seeds' FROM job WHERE id = " + id));
  }

  @Test
  void invalidRequestsGetFieldErrors() {
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"prompt\": \"\", \"images\": 99, \"decoderGuidanceScale\": -1}")
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("fields", hasKey("prompt"))
        .body("fields", hasKey("images"))
        .body("fields", hasKey("decoderGuidanceScale"));
    String longPrompt = "a".repeat(301);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"prompt\": \"" + longPrompt + "\"}")
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("fields.prompt", containsString("at most 300 characters"));
  }

  @Test
  void overTheLimitIs429() {
    sql.execute("UPDATE app_user SET max_active_jobs = 1 WHERE id = " + user.id());
    String body = "{\"prompt\": \"a blue square\"}";
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/jobs")
        .then()
        .statusCode(202);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/jobs")
        .then()
        .statusCode(429)
        .body("error", containsString("already have 1 jobs"));
  }

  @Test
  void theApiAcceptsTokensOnlyAndRejectsRevokedOnes() {
    given().get("/api/v1/jobs").then().statusCode(401);
    given()
        .header("Authorization", "Bearer ucs_not-a-token")
        .get("/api/v1/jobs")
        .then()
        .statusCode(401);
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    given()
        .cookie("studio_session", browser.cookie("studio_session"))
        .get("/api/v1/jobs")
        .then()
        .statusCode(401);

    long tokenId = sql.number("SELECT id FROM api_token WHERE user_id = " + user.id());
    assertEquals(
        303, browser.post("/account/tokens/" + tokenId + "/revoke", Map.of()).statusCode());
    given().header("Authorization", "Bearer " + token).get("/api/v1/jobs").then().statusCode(401);
  }

  @Test
  void otherUsersJobsAndPrivateImagesAreNotFound() {
    long theirs = data.textJob(data.user("stranger"), "not yours");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs/" + theirs)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .post("/api/v1/jobs/" + theirs + "/cancel")
        .then()
        .statusCode(404);
    assertEquals("QUEUED", data.status(theirs));
  }

  @Test
  void aDisabledUsersTokenStopsWorking() {
    sql.execute("UPDATE app_user SET enabled = false WHERE id = " + user.id());
    given().header("Authorization", "Bearer " + token).get("/api/v1/jobs").then().statusCode(401);
  }

  private long imageOf(CurrentUser owner, String visibility) {
    long job = data.textJob(owner, "source " + visibility);
    sql.execute(
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params, visibility)
        VALUES (%d, %d, 0, 1, 64, 64, '{}', '%s')"""
            .formatted(job, owner.id(), visibility));
    sql.execute("UPDATE job SET status = 'SUCCEEDED' WHERE id = " + job);
    return sql.number("SELECT id FROM image WHERE job_id = " + job);
  }

  @Test
  void variationsAndInterpolationsOverTheApi() {
    long mine = imageOf(user, "PRIVATE");
    long shared = imageOf(data.user("sharer"), "SHARED");
    long theirs = imageOf(data.user("hider"), "PRIVATE");
    Response v =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"sourceImageId\": " + shared + ", \"images\": 3}")
            .post("/api/v1/jobs/variations");
    assertEquals(202, v.statusCode(), v.asString());
    assertEquals("VARIATION", v.jsonPath().getString("kind"));
    assertEquals(3, v.jsonPath().getInt("imageCount"));
    Response i =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(
                "{\"imageA\": "
                    + mine
                    + ", \"imageB\": "
                    + shared
                    + ", \"frames\": 6, \"seed\": 4}")
            .post("/api/v1/jobs/interpolations");
    assertEquals(202, i.statusCode(), i.asString());
    assertEquals(6, i.jsonPath().getInt("imageCount"));
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"sourceImageId\": " + theirs + "}")
        .post("/api/v1/jobs/variations")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"imageA\": " + mine + ", \"imageB\": " + mine + "}")
        .post("/api/v1/jobs/interpolations")
        .then()
        .statusCode(400);
  }

  @Test
  void inpaintingOverTheApiValidatesUploads() {
    long mine = imageOf(user, "PRIVATE");
    String mask =
        java.util.Base64.getEncoder()
            .encodeToString(dev.unclipstudio.testing.Pngs.leftHalfMask(64, 64));
    Response ok =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(
                "{\"sourceImageId\": "
                    + mine
                    + ", \"prompt\": \"a blue star\", \"mask\": \""
                    + mask
                    + "\"}")
            .post("/api/v1/jobs/inpaint");
    assertEquals(202, ok.statusCode(), ok.asString());
    assertEquals("INPAINT", ok.jsonPath().getString("kind"));
    String notAnImage = java.util.Base64.getEncoder().encodeToString("not an image".getBytes());
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(
            "{\"sourceImageId\": "
                + mine
                + ", \"prompt\": \"a blue star\", \"mask\": \""
                + notAnImage
                + "\"}")
        .post("/api/v1/jobs/inpaint")
        .then()
        .statusCode(400)
        .body("fields", hasKey("mask"));
    assertEquals(1, sql.count("job_input"));
  }

  @Test
  void aPromptTheModelCannotReadInFullIsQueuedWithANoteInTheApiAndOnTheJobPage() {
    String prompt = "red ".repeat(30) + "blue circle at the top";
    Response r =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"" + prompt + "\"}")
            .post("/api/v1/jobs");
    assertEquals(202, r.statusCode(), r.asString());
    String note =
        "The model reads only the first 30 words of this prompt; the last 5 words (“blue circle at"
            + " the top”) are cut off.";
    assertEquals(List.of(note), r.jsonPath().getList("notes"));
    long id = r.jsonPath().getLong("id");
    given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs/" + id)
        .then()
        .body("notes", equalTo(List.of(note)));
    String page =
        WebClient.signedIn(user.username(), "password-" + user.username())
            .get("/jobs/" + id)
            .asString();
    assertTrue(
        page.contains("<ul class=\"hint notes\" id=\"prompt-notes\"><li>" + note + "</li></ul>"),
        page);

    Response fits =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"a red circle at the top\"}")
            .post("/api/v1/jobs");
    assertEquals(List.of(), fits.jsonPath().getList("notes"));
  }

  @Test
  void wordsThePacksModelNeverSawAreNamedInTheApiOnTheJobPageAndBeforeSubmitting() {
    String prompt = "an armchair in the shape of an avocado";
    String note =
        "The model of pack tiny never saw the words “an”, “armchair”, “shape”, “avocado” in"
            + " training: it will ignore or misread them.";
    Response r =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"" + prompt + "\"}")
            .post("/api/v1/jobs");
    assertEquals(202, r.statusCode(), r.asString());
    assertEquals(List.of(note), r.jsonPath().getList("notes"));
    WebClient page = WebClient.signedIn(user.username(), "password-" + user.username());
    assertTrue(
        page.get("/jobs/" + r.jsonPath().getLong("id"))
            .asString()
            .contains("<li>" + note + "</li>"));
    // what the create pages' script asks while the user types: the same rule, nothing queued
    long jobs = sql.count("job");
    page.get("/prompt-notes?prompt=" + prompt.replace(' ', '+'))
        .then()
        .statusCode(200)
        .body("notes", equalTo(List.of(note)));
    page.get("/prompt-notes?prompt=a+red+circle&kind=INPAINT")
        .then()
        .statusCode(200)
        .body("notes", equalTo(List.of()));
    assertEquals(jobs, sql.count("job"));
    given().redirects().follow(false).get("/prompt-notes?prompt=avocado").then().statusCode(302);
  }

  @Test
  void theApiIsDescribedByOpenApi() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(containsString("/api/v1/jobs"))
        .body(containsString("/api/v1/images/{id}/png"));
  }
}
