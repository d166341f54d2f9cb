package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The create page and the API refuse the same bad input with the same status and the same message.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SameMessagesTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;

  WebClient browser;
  String token;

  @BeforeEach
  void setUp() {
    data.reset();
    sql.execute("DELETE FROM studio_setting", "DELETE FROM prompt_block");
    CurrentUser user = data.user("twice");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
    token = tokens.create(user.id(), "test");
  }

  /** The API's message for the field, after checking that the page shows the very same one. */
  private String sameMessage(String field, String formValue, String jsonValue) {
    Map<String, Object> form = new HashMap<>(Map.of("prompt", "a red circle", "images", "1"));
    form.put(field, formValue);
    Response page = browser.post("/jobs", form);
    Response api =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"a red circle\", \"" + field + "\": " + jsonValue + "}")
            .post("/api/v1/jobs");
    assertEquals(400, page.statusCode());
    assertEquals(400, api.statusCode(), api.asString());
    String message = api.jsonPath().getString("fields." + field);
    assertTrue(page.asString().contains(message), field + ": the page lacks \"" + message + "\"");
    return message;
  }

  @Test
  void stepsOfZeroAndGuidanceOverThirtyReadTheSame() {
    assertEquals("Use a number from 1 to 250.", sameMessage("decoderSteps", "0", "0"));
    assertEquals("Use a number from 1 to 250.", sameMessage("priorSteps", "251", "251"));
    assertEquals("Use a number from 0 to 30.", sameMessage("decoderGuidanceScale", "31", "31"));
    assertEquals("Use a number from 0 to 30.", sameMessage("priorGuidanceScale", "-1", "-1"));
  }

  @Test
  void notANumberIsRefusedWithTheRangesMessage() {
    // JSON has no NaN: the page's "NaN" must read like the API's out-of-range value
    Response page =
        browser.post(
            "/jobs",
            Map.of("prompt", "a red circle", "images", "1", "decoderGuidanceScale", "NaN"));
    assertEquals(400, page.statusCode());
    assertTrue(page.asString().contains(sameMessage("decoderGuidanceScale", "31", "31")));
  }

  @Test
  void aTooLongPromptReadsTheSame() {
    String prompt = "b".repeat(400);
    Response page = browser.post("/jobs", Map.of("prompt", prompt, "images", "1"));
    Response api =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"" + prompt + "\"}")
            .post("/api/v1/jobs");
    assertEquals(400, page.statusCode());
    assertEquals(400, api.statusCode());
    assertEquals(
        "Use at most 300 characters (this one has 400).",
        api.jsonPath().getString("fields.prompt"));
    assertTrue(page.asString().contains("Use at most 300 characters (this one has 400)."));
    assertEquals(0, sql.count("job"));
  }

  @Test
  void tooManyImagesReadTheSameForTextAndInpainting() {
    String message = sameMessage("images", "9", "9");
    assertEquals("Use a number from 1 to 8.", message);
    Response inpaint =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"sourceImageId\": 1, \"prompt\": \"a star\", \"images\": 9}")
            .post("/api/v1/jobs/inpaint");
    assertEquals(400, inpaint.statusCode());
    assertEquals(message, inpaint.jsonPath().getString("fields.images"));
  }
}
