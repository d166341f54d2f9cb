package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
