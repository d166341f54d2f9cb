package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class SubmitPageTest {

  @Inject TestData data;
  @Inject Sql sql;

  CurrentUser user;
  WebClient browser;

  @BeforeEach
  void setUp() {
    data.reset();
    sql.execute("DELETE FROM studio_setting", "DELETE FROM prompt_block");
    user = data.user("former");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
  }

  @Test
  void theFormShowsThePacksDefaults() {
    String html = browser.get("/").asString();
    assertTrue(html.contains("placeholder=\"25\""), "default steps shown");
    assertTrue(html.contains("tiny"), "pack name shown");
  }

  @Test
  void thePromptBoxHoldsWhatTheServerTakesAndSaysSo() {
    for (String page : new String[] {"/", "/inpaint"}) {
      String html = browser.get(page).asString();
      assertTrue(html.contains("maxlength=\"300\""), page + ": the server's limit, not 2000");
      assertTrue(
          html.contains("Up to 300 characters."), page + ": the counter's text without script");
      assertTrue(html.contains("/js/prompt-counter.js"), page);
    }
  }

  @Test
  void everyBadFieldGetsItsOwnMessageAndNothingIsQueued() {
    Response r =
        browser.post(
            "/jobs",
            Map.of(
                "prompt",
                "   ",
                "images",
                "0",
                "seed",
                "-4",
                "priorSteps",
                "x",
                "priorGuidanceScale",
                "99",
                "decoderSteps",
                "1000",
                "decoderGuidanceScale",
                "NaN"));
    assertEquals(400, r.statusCode());
    String html = r.asString();
    for (String message :
        new String[] {
          "Describe the image you want.",
          "Use a number from 1 to 8.",
          RequestRules.SEED_OUT_OF_RANGE,
          "Use a whole number from 1 to 250.",
          "Use a number from 0 to 30.",
          "Use a number from 1 to 250."
        }) {
      assertTrue(html.contains(message), message);
    }
    assertEquals(0, sql.count("job"));
  }

  @Test
  void tooLongPromptsAreRefusedWithTheirLength() {
    Response r = browser.post("/jobs", Map.of("prompt", "b".repeat(400), "images", "1"));
    assertEquals(400, r.statusCode());
    assertTrue(r.asString().contains("Use at most 300 characters (this one has 400)."));
  }

  @Test
  void promptsAreNormalisedAndSeedsCountUp() {
    Response r =
        browser.post(
            "/jobs",
            Map.of("prompt", "  a   red\tcircle \n at the top ", "images", "3", "seed", "40"));
    assertEquals(303, r.statusCode());
    assertEquals("a red circle at the top", sql.string("SELECT prompt FROM job"));
    assertEquals("[40, 41, 42]", sql.string("SELECT params->'seeds' FROM job"));
  }

  /**
   * Issue 14: a first seed near the top with 8 images gave the last image a seed above the range,
   * and its page's "make again with this seed" then filled in a seed the form refused. The largest
   * first seed the form takes for 8 images gives the last one the top seed, which its page offers
   * again and the form takes; one higher is refused, naming that largest first seed.
   */
  @Test
  void theLastImageOfTheLargestAllowedRequestCanBeMadeAgainAlone() {
    String largest = Long.toString(RequestRules.MAX_SEED - 7);
    Response tooHigh =
        browser.post(
            "/jobs",
            Map.of(
                "prompt",
                "a star",
                "images",
                "8",
                "seed",
                Long.toString(RequestRules.MAX_SEED - 6)));
    assertEquals(400, tooHigh.statusCode());
    assertTrue(tooHigh.asString().contains("use a first seed from 0 to " + largest), largest);
    assertEquals(0, sql.count("job"));

    Response accepted =
        browser.post("/jobs", Map.of("prompt", "a star", "images", "8", "seed", largest));
    assertEquals(303, accepted.statusCode());
    long job = sql.number("SELECT id FROM job");
    long last = sql.number("SELECT (params->'seeds'->>7)::bigint FROM job");
    assertEquals(RequestRules.MAX_SEED, last);
    // the last image as a worker stores it: its PNG text is its params
    long image =
        sql.number(
            """
            INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, prompt, params)
            VALUES (%d, %d, 7, %d, 64, 64, 'a star',
                    '{"prompt": "a star", "kind": "TEXT_TO_IMAGE", "seed": "%d", "pack": "tiny 1"}')
            RETURNING id"""
                .formatted(job, user.id(), last, last));

    Matcher remake =
        Pattern.compile("id=\"remake\" href=\"([^\"]+)\"")
            .matcher(browser.get("/images/" + image).asString());
    assertTrue(remake.find(), "the image page offers to make it again");
    String form = browser.get(remake.group(1).replace("&amp;", "&")).asString();
    assertTrue(form.contains("value=\"" + last + "\""), "the seed is filled in");
    assertTrue(!form.contains("field-error"), "and not refused");
    Response again =
        browser.post(
            "/jobs", Map.of("prompt", "a star", "images", "1", "seed", Long.toString(last)));
    assertEquals(303, again.statusCode(), again.asString());
    assertEquals(
        "[" + last + "]", sql.string("SELECT params->'seeds' FROM job ORDER BY id DESC LIMIT 1"));
  }

  @Test
  void aRandomSeedIsChosenWhenNoneIsGiven() {
    browser.post("/jobs", Map.of("prompt", "a cross", "images", "2"));
    String seeds = sql.string("SELECT params->'seeds' FROM job");
    assertTrue(seeds.matches("\\[\\d+, \\d+\\]"), seeds);
  }
}
