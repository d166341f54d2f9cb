package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.Pngs;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import dev.unclipstudio.worker.WorkerPool;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Variations, interpolation and inpainting through the pages, on the real tiny pack; and every bad
 * upload.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ImageJobsTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;
  @Inject WorkerPool pool;

  CurrentUser user;
  WebClient browser;

  @BeforeEach
  void setUp() {
    pool.stop();
    data.reset();
    user = data.user("maker");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
  }

  @AfterEach
  void stop() {
    pool.stop();
  }

  private long finishedJob(Response submitted) throws InterruptedException {
    assertEquals(303, submitted.statusCode(), submitted.asString());
    long id =
        Long.parseLong(
            URI.create(submitted.header("Location")).getPath().substring("/jobs/".length()));
    Await.until(
        Duration.ofSeconds(120),
        () -> !"QUEUED".equals(data.status(id)) && !"RUNNING".equals(data.status(id)));
    assertEquals(
        "SUCCEEDED", data.status(id), sql.string("SELECT error FROM job WHERE id = " + id));
    return id;
  }

  private long generatedImage() throws InterruptedException {
    long job =
        finishedJob(
            browser.post(
                "/jobs",
                Map.of("prompt", "a large red circle in the centre", "images", "1", "seed", "3")));
    return sql.number("SELECT id FROM image WHERE job_id = " + job);
  }

  @Test
  void variationsOfAGalleryImageLinkBackToTheirSource() throws Exception {
    pool.start();
    long source = generatedImage();
    long job =
        finishedJob(browser.post("/images/" + source + "/variations", Map.of("images", "3")));
    assertEquals(3, sql.count("image WHERE job_id = " + job));
    assertEquals(3, sql.count("image WHERE job_id = " + job + " AND source_image_id = " + source));
    long variation = sql.number("SELECT min(id) FROM image WHERE job_id = " + job);
    assertTrue(
        browser.get("/images/" + variation).asString().contains("href=\"/images/" + source + "\""));
  }

  @Test
  void variationsOfAnUploadedImage() throws Exception {
    pool.start();
    long job =
        finishedJob(
            browser.postMultipart(
                "/variations",
                Map.of("images", "2"),
                Map.of("image", Pngs.solid(200, 120, 0x3355ff))));
    assertEquals(2, sql.count("image WHERE job_id = " + job));
  }

  @Test
  void interpolationMakesOneFramePerStepInOrder() throws Exception {
    pool.start();
    long a = generatedImage();
    long b =
        finishedJob(
            browser.post(
                "/jobs",
                Map.of("prompt", "a small blue square at the bottom", "images", "1", "seed", "9")));
    long imageB = sql.number("SELECT id FROM image WHERE job_id = " + b);
    long job =
        finishedJob(
            browser.post("/interpolate", Map.of("a", a, "b", imageB, "frames", "4", "seed", "11")));
    assertEquals(4, sql.count("image WHERE job_id = " + job));
    assertEquals(
        "11",
        sql.string("SELECT string_agg(DISTINCT seed::text, ',') FROM image WHERE job_id = " + job));
    assertTrue(browser.get("/jobs/" + job).asString().contains("/jobs/" + job + "/strip.png"));
    RgbImage strip =
        ImageDecoder.decode(
            browser.get("/jobs/" + job + "/strip.png").asByteArray(), ImageLimits.defaults());
    assertEquals(4 * 64, strip.width());
    CurrentUser nosy = data.user("nosy");
    assertEquals(
        404,
        WebClient.signedIn(nosy.username(), "password-" + nosy.username())
            .get("/jobs/" + job + "/strip.png")
            .statusCode());
  }

  @Test
  void inpaintingKeepsTheUnpaintedRegionPixelIdentical() throws Exception {
    pool.start();
    long source = generatedImage();
    byte[] sourcePng = browser.get("/images/" + source + ".png").asByteArray();
    long job =
        finishedJob(
            browser.postMultipart(
                "/inpaint",
                Map.of(
                    "sourceImageId",
                    Long.toString(source),
                    "prompt",
                    "a green star",
                    "images",
                    "2"),
                Map.of("mask", Pngs.leftHalfMask(64, 64))));
    RgbImage original = ImageDecoder.decode(sourcePng, ImageLimits.defaults());
    for (long imageId :
        new long[] {
          sql.number("SELECT min(id) FROM image WHERE job_id = " + job),
          sql.number("SELECT max(id) FROM image WHERE job_id = " + job)
        }) {
      RgbImage result =
          ImageDecoder.decode(
              browser.get("/images/" + imageId + ".png").asByteArray(), ImageLimits.defaults());
      assertEquals(original.width(), result.width());
      for (int y = 0; y < result.height(); y++) {
        int from = (y * result.width() + result.width() / 2) * 3;
        int to = (y + 1) * result.width() * 3;
        assertArrayEquals(
            Arrays.copyOfRange(original.rgb(), from, to),
            Arrays.copyOfRange(result.rgb(), from, to),
            "kept pixels of row " + y + " changed");
      }
    }
  }

  @Test
  void badUploadsGetAClearErrorAndLeaveNothingBehind() {
    Map<String, byte[]> bad =
        Map.of(
            "not an image",
                "just some text pretending to be a PNG".getBytes(StandardCharsets.UTF_8),
            "truncated", Arrays.copyOf(Pngs.solid(64, 64, 0x00ff00), 60),
            "huge dimensions", Pngs.claimingDimensions(50_000, 50_000),
            "decompression bomb", Pngs.claimingDimensions(4000, 4000));
    bad.forEach(
        (what, bytes) -> {
          Response r =
              browser.postMultipart("/variations", Map.of("images", "1"), Map.of("image", bytes));
          assertEquals(400, r.statusCode(), what);
          assertTrue(r.asString().contains("field-error"), what + ": " + r.asString());
          Response inpaint =
              browser.postMultipart(
                  "/inpaint",
                  Map.of("prompt", "x", "images", "1"),
                  Map.of("source", Pngs.solid(64, 64, 0), "mask", bytes));
          assertEquals(400, inpaint.statusCode(), what);
        });
    Response oversized =
        browser.postMultipart(
            "/variations", Map.of("images", "1"), Map.of("image", new byte[13 * 1024 * 1024]));
    assertEquals(413, oversized.statusCode());
    Response large =
        browser.postMultipart(
            "/variations", Map.of("images", "1"), Map.of("image", new byte[11 * 1024 * 1024]));
    assertEquals(400, large.statusCode());
    assertTrue(
        large.asString().contains("This file is 11 MB; the most is 10 MB."), large.asString());
    Response text =
        browser.postMultipart(
            "/variations", Map.of("images", "3"), Map.of("image", "hello".getBytes()));
    assertTrue(text.asString().contains("value=\"3\""), "the count as typed, not reset to 4");
    assertTrue(
        text.asString().contains("Unsupported image format: only PNG and JPEG are accepted."),
        "the decoder's reason as a sentence");
    assertEquals(0, sql.count("job"));
    assertEquals(0, sql.count("job_input"));
  }

  @Test
  void aFormWithoutItsFileAsksForItInTheFormsWordsAtTheFieldAndInTheSummary() {
    Response variations = browser.postMultipart("/variations", Map.of("images", "2"), Map.of());
    assertEquals(400, variations.statusCode());
    String html = variations.asString();
    assertTrue(html.contains("<p class=\"field-error\">Choose an image.</p>"), html);
    assertTrue(html.contains("Fix 1 problem to continue"), html);
    assertTrue(html.contains("<a href=\"#image\">Image: Choose an image.</a>"), html);

    Response inpaint =
        browser.postMultipart("/inpaint", Map.of("prompt", "a blue star", "images", "1"), Map.of());
    assertEquals(400, inpaint.statusCode());
    String mask = "Choose a mask. Paint the region to repaint, or upload a mask (white = repaint).";
    html = inpaint.asString();
    assertTrue(html.contains("<p class=\"field-error\">Choose an image to repaint.</p>"), html);
    assertTrue(html.contains("<p class=\"field-error\">" + mask + "</p>"), html);
    assertTrue(html.contains("Fix 2 problems to continue"), html);
    assertTrue(
        html.indexOf("<a href=\"#source\">Image to repaint: Choose an image to repaint.</a>")
            < html.indexOf("<a href=\"#mask\">Mask: " + mask + "</a>"),
        "in the form's order: " + html);
    assertTrue(html.contains("value=\"a blue star\""), "the prompt kept");
    assertFalse(html.contains("value=\"null\""), "fields not sent stay empty");
    assertEquals(0, sql.count("job"));
  }

  /**
   * Over the active-job cap every image form comes back as a page, not as bare text: the message,
   * the form again with what was typed, status 429.
   */
  @Test
  void overTheActiveJobCapTheImageFormsComeBackWithTheMessageAndTheInput() {
    sql.execute("UPDATE app_user SET max_active_jobs = 1 WHERE id = " + user.id());
    long busy = data.textJob(user, "the one job allowed");
    for (int index = 0; index < 2; index++) {
      sql.execute(
          """
          INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params)
          VALUES (%d, %d, %d, 1, 64, 64, '{}')"""
              .formatted(busy, user.id(), index));
    }
    long a = sql.number("SELECT min(id) FROM image");
    long b = sql.number("SELECT max(id) FROM image");
    String message =
        "You already have 1 jobs queued or running, the most allowed. Wait for one to finish or"
            + " cancel one.";

    String upload =
        assertRefusedPage(
            browser.postMultipart(
                "/variations", Map.of("images", "3"), Map.of("image", Pngs.solid(64, 64, 0xff))),
            message);
    assertTrue(upload.contains("<form method=\"post\" action=\"/variations\""), upload);
    assertTrue(upload.contains("value=\"3\""), "the count as typed");

    String gallery =
        assertRefusedPage(
            browser.post("/images/" + a + "/variations", Map.of("images", "2")), message);
    assertTrue(
        gallery.contains("<form method=\"post\" action=\"/images/" + a + "/variations\">"),
        "the same image's form, not the upload one: " + gallery);

    String interpolate =
        assertRefusedPage(
            browser.post("/interpolate", Map.of("a", a, "b", b, "frames", "7", "seed", "42")),
            message);
    assertTrue(interpolate.contains("value=\"7\""), "frames as typed");
    assertTrue(interpolate.contains("value=\"42\""), "seed as typed");
    assertTrue(interpolate.contains("<option value=\"" + b + "\" selected>"), interpolate);

    String inpaint =
        assertRefusedPage(
            browser.postMultipart(
                "/inpaint",
                Map.of(
                    "sourceImageId",
                    Long.toString(a),
                    "prompt",
                    "a green star",
                    "images",
                    "3",
                    "steps",
                    "12",
                    "guidanceScale",
                    "4.5"),
                Map.of("mask", Pngs.leftHalfMask(64, 64))),
            message);
    for (String kept : new String[] {"a green star", "3", "12", "4.5"}) {
      assertTrue(inpaint.contains("value=\"" + kept + "\""), kept + " kept: " + inpaint);
    }
    assertEquals(1, sql.count("job"), "only the job already there");
  }

  /** A 429 page in the studio's layout holding the refusal and a form to try again. */
  private static String assertRefusedPage(Response r, String message) {
    String html = r.asString();
    assertEquals(429, r.statusCode(), html);
    assertTrue(r.contentType().startsWith("text/html"), r.contentType());
    assertTrue(html.contains("<p class=\"error\" role=\"alert\">" + message + "</p>"), html);
    assertTrue(html.contains("<form method=\"post\""), html);
    return html;
  }

  @Test
  void aMaskThatMarksNothingToRepaintIsRefusedFromPagesAndApi() {
    Response page =
        browser.postMultipart(
            "/inpaint",
            Map.of("prompt", "a blue square", "images", "1"),
            Map.of("source", Pngs.solid(64, 64, 0xff0000), "mask", Pngs.solid(64, 64, 0)));
    assertEquals(400, page.statusCode());
    assertTrue(page.asString().contains(RequestRules.MASK_KEEPS_EVERYTHING), page.asString());
    String token = tokens.create(user.id(), "mask test");
    Response api =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(
                "{\"prompt\": \"a blue square\", \"source\": \""
                    + java.util.Base64.getEncoder().encodeToString(Pngs.solid(64, 64, 0xff0000))
                    + "\", \"mask\": \""
                    + java.util.Base64.getEncoder().encodeToString(Pngs.solid(64, 64, 0))
                    + "\"}")
            .post("/api/v1/jobs/inpaint");
    assertEquals(400, api.statusCode());
    assertEquals(RequestRules.MASK_KEEPS_EVERYTHING, api.jsonPath().getString("fields.mask"));
    assertEquals(0, sql.count("job"));
  }

  @Test
  void aMaskOfAnotherSizeThanItsImageIsRefusedFromPagesAndApiWithBothSizes() {
    String expected =
        "The mask is 32 × 48 px but the image is 64 × 64 px: use a mask of the image's size"
            + " (the editor paints one).";
    Response upload =
        browser.postMultipart(
            "/inpaint",
            Map.of("prompt", "a blue square", "images", "1"),
            Map.of("source", Pngs.solid(64, 64, 0xff0000), "mask", Pngs.leftHalfMask(32, 48)));
    assertEquals(400, upload.statusCode());
    assertTrue(upload.asString().contains(expected.replace("'", "&#39;")), upload.asString());

    long job = data.textJob(user, "a source");
    sql.execute(
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params)
        VALUES (%d, %d, 0, 1, 64, 64, '{}')"""
            .formatted(job, user.id()));
    long source = sql.number("SELECT id FROM image WHERE job_id = " + job);
    String token = tokens.create(user.id(), "mask size test");
    Response api =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(
                "{\"prompt\": \"a blue square\", \"sourceImageId\": "
                    + source
                    + ", \"mask\": \""
                    + java.util.Base64.getEncoder().encodeToString(Pngs.leftHalfMask(32, 48))
                    + "\"}")
            .post("/api/v1/jobs/inpaint");
    assertEquals(400, api.statusCode());
    assertEquals(expected, api.jsonPath().getString("fields.mask"));
    assertEquals(1, sql.count("job"), "only the job that made the source");
  }

  @Test
  void othersPrivateImagesCannotBeUsedAsSources() {
    CurrentUser stranger = data.user("stranger");
    long theirJob = data.textJob(stranger, "theirs");
    sql.execute(
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params)
        VALUES (%d, %d, 0, 1, 1, 1, '{}')"""
            .formatted(theirJob, stranger.id()));
    long theirImage = sql.number("SELECT id FROM image WHERE job_id = " + theirJob);
    assertEquals(
        404,
        browser.post("/images/" + theirImage + "/variations", Map.of("images", "1")).statusCode());
    assertEquals(404, browser.get("/inpaint?image=" + theirImage).statusCode());
    assertEquals(1, sql.count("job"));
  }
}
