package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.Pngs;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A job's page shows what it was asked for and offers to make it again. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class JobPageTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;
  @Inject ApiTokens tokens;

  CurrentUser user;
  WebClient browser;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("again");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
  }

  @Test
  void theJobPageShowsSeedsSettingsAndPackAndCanMakeTheJobAgain() {
    Response submitted =
        browser.post(
            "/jobs",
            Map.of("prompt", "a green star", "images", "2", "seed", "41", "decoderSteps", "4"));
    assertEquals(303, submitted.statusCode());
    String path = URI.create(submitted.header("Location")).getPath();
    String html = browser.get(path).asString();
    assertTrue(html.contains("<dt>Seeds</dt><dd>41, 42</dd>"), html);
    assertTrue(html.contains("<dt>Decoder steps</dt><dd>4</dd>"), html);
    assertTrue(html.contains("<dt>Pack</dt><dd>tiny"), html);
    String remake =
        "/?prompt=a+green+star&amp;pack=tiny&amp;images=2&amp;seed=41&amp;decoderSteps=4";
    assertTrue(html.contains("href=\"" + remake + "\""), html);
    assertTrue(html.contains("id=\"reuse-prompt\" href=\"/?prompt=a+green+star\""), html);
    assertTrue(
        html.contains(
            copied(
                "{\"prompt\":\"a green star\",\"images\":2,\"seed\":41,\"decoderSteps\":4,"
                    + "\"pack\":\"tiny\"}")),
        "copy parameters gives the API's request body, defaults left out: " + html);
    assertTrue(html.contains(">Queued</span>"), "the status as people read it");

    // the page's own reuse fields stay out of the API and its description
    String json =
        given()
            .header("Authorization", "Bearer " + tokens.create(user.id(), "script"))
            .get("/api/v1/jobs/" + path.substring(path.lastIndexOf('/') + 1))
            .asString();
    assertTrue(json.contains("\"remakeLink\""), json);
    String openApi = given().get("/q/openapi?format=json").asString();
    for (String own : List.of("apiRequest", "apiPath", "packName")) {
      assertFalse(json.contains(own), json);
      assertFalse(openApi.contains("\"" + own + "\""), own + " in " + openApi);
    }

    String form = browser.get(remake.replace("&amp;", "&")).asString();
    assertTrue(form.contains(">a green star</textarea>"));
    assertTrue(form.contains("value=\"41\""));
  }

  @Test
  void aFinishedJobShowsHowLongItWaitedAndRan() {
    long job = finishedJob("a waiting star").get(0);
    sql.execute(
        "UPDATE job SET created_at = finished_at - interval '117 seconds',"
            + " started_at = finished_at - interval '42 seconds' WHERE id = "
            + job);
    String html = browser.get("/jobs/" + job).asString();
    assertTrue(html.contains("<dt>Waited</dt><dd>1 min 15 s</dd>"), html);
    assertTrue(html.contains("<dt>Ran</dt><dd>42 s</dd>"), html);
    assertTrue(html.contains(">Done</span>"), html);
    assertFalse(html.contains(">SUCCEEDED<"), html);
  }

  @Test
  void theImagePageNamesItsVisibilityInWords() {
    long image = finishedJob("a private star").get(1);
    String html = browser.get("/images/" + image).asString();
    assertTrue(html.contains("<dt>Visibility</dt><dd>Private</dd>"), html);
    browser.post("/images/" + image + "/visibility", Map.of("visibility", "SHARED"));
    html = browser.get("/images/" + image).asString();
    assertTrue(html.contains("<dt>Visibility</dt><dd>Shared in the gallery</dd>"), html);
  }

  @Test
  void jobsOfEveryKindOfferTheirOwnReuse() {
    List<Long> images = finishedJob("two sources", 2);
    long a = images.get(1);
    long b = images.get(2);

    String variations =
        pageOf(kindJob("VARIATION", null, "{\"seeds\":[5,6,7],\"sourceImageIds\":[" + a + "]}", 3));
    assertTrue(variations.contains("action=\"/images/" + a + "/variations\""), variations);
    assertTrue(variations.contains("name=\"images\" value=\"3\""), variations);
    assertTrue(variations.contains("name=\"pack\" value=\"tiny\""), variations);
    assertFalse(variations.contains("id=\"reuse-prompt\""), "no prompt to reuse");
    assertTrue(
        variations.contains(copied("{\"sourceImageId\":" + a + ",\"images\":3,\"pack\":\"tiny\"}")),
        variations);

    String interpolation =
        pageOf(
            kindJob(
                "INTERPOLATION",
                null,
                "{\"seeds\":[9],\"sourceImageIds\":[" + a + "," + b + "],\"frames\":5}",
                5));
    assertTrue(
        interpolation.contains("id=\"remake\" href=\"/interpolate?a=" + a + "&amp;b=" + b + "\""),
        interpolation);
    assertTrue(
        interpolation.contains(
            copied(
                "{\"imageA\":"
                    + a
                    + ",\"imageB\":"
                    + b
                    + ",\"frames\":5,\"seed\":9,"
                    + "\"pack\":\"tiny\"}")),
        interpolation);

    String inpainting =
        pageOf(
            kindJob(
                "INPAINT",
                "a blue star",
                "{\"prompt\":\"a blue star\",\"seeds\":[1],\"sourceImageIds\":[" + a + "]}",
                1));
    assertTrue(inpainting.contains("id=\"remake\" href=\"/inpaint?image=" + a + "\""), inpainting);
    assertTrue(
        inpainting.contains("id=\"reuse-prompt\" href=\"/?prompt=a+blue+star\""), inpainting);
    assertTrue(
        inpainting.contains(
            copied(
                "{\"sourceImageId\":"
                    + a
                    + ",\"prompt\":\"a blue star\",\"images\":1,"
                    + "\"pack\":\"tiny\"}")),
        inpainting);

    // the interpolation form opens with both images chosen
    String form = browser.get("/interpolate?a=" + a + "&b=" + b).asString();
    assertTrue(form.contains("value=\"" + a + "\" selected>"), form);
    assertTrue(form.contains("value=\"" + b + "\" selected>"), form);
  }

  /** A finished text → image job with {@code count} images: the job's id, then the images'. */
  private List<Long> finishedJob(String prompt, int count) {
    long jobId = data.textJob(user, prompt);
    ClaimedJob job = queue.claim("w").orElseThrow();
    List<ResultImage> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] png = Pngs.solid(64, 64, 0x0000ff + 0x200000 * i);
      results.add(new ResultImage(i, i, 64, 64, "{}", null, null, png, png));
    }
    assertTrue(queue.complete(job.lease(), results));
    List<Long> ids = new ArrayList<>(List.of(jobId));
    for (int i = 0; i < count; i++) {
      ids.add(
          sql.number(
              "SELECT id FROM image WHERE job_id = %d AND index_in_job = %d".formatted(jobId, i)));
    }
    return ids;
  }

  private List<Long> finishedJob(String prompt) {
    return finishedJob(prompt, 1);
  }

  private long kindJob(String kind, String prompt, String params, int images) {
    long id = data.rawJob(user, prompt == null ? "" : prompt, params, images);
    sql.execute(
        "UPDATE job SET kind = '%s', prompt = %s WHERE id = %d"
            .formatted(kind, prompt == null ? "NULL" : "'" + prompt + "'", id));
    return id;
  }

  private String pageOf(long job) {
    Response page = browser.get("/jobs/" + job);
    assertEquals(200, page.statusCode(), page.asString());
    return page.asString();
  }

  /** The copy button's JSON as the page escapes it into its attribute. */
  private static String copied(String json) {
    return "data-copy=\"" + json.replace("\"", "&quot;") + "\"";
  }
}
