package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.Pngs;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.SeveralPacksProfile;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import dev.unclipstudio.worker.WorkerPool;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The tiny pack and the small GLIDE pack (inpainting only) side by side, with a broken pack beside
 * them: requests choose a pack or get the default, each kind goes only to a pack that can run it,
 * and the broken pack is reported without stopping the others.
 */
@QuarkusTest
@TestProfile(SeveralPacksProfile.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@EnabledIf("dev.unclipstudio.testing.SeveralPacksProfile#glideVocabularyPresent")
class SeveralPacksTest {

  /** The management interface's root ({@code /q} on its own port), where health is served. */
  @TestHTTPResource(value = "/", management = true)
  java.net.URL management;

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;
  @Inject WorkerPool pool;
  @Inject StudioPacks packs;

  CurrentUser user;
  WebClient browser;
  String token;
  String glide;

  @BeforeEach
  void setUp() {
    pool.stop();
    data.reset();
    user = data.user("chooser");
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
    token = tokens.create(user.id(), "packs");
    glide =
        packs.usable().stream()
            .filter(p -> !p.hasUnclip())
            .map(ModelPack::name)
            .findFirst()
            .orElseThrow();
  }

  @AfterEach
  void stop() {
    pool.stop();
  }

  @Test
  void formsOfferAChoiceOnlyWhereMoreThanOnePackCanRunTheirKind() {
    String inpaint = browser.get("/inpaint").asString();
    assertTrue(inpaint.contains("<select id=\"pack\" name=\"pack\""), inpaint);
    assertTrue(inpaint.contains("<option value=\"tiny\" selected>tiny</option>"), inpaint);
    assertTrue(inpaint.contains("<option value=\"" + glide + "\" >"), inpaint);
    // only the tiny pack makes images from text or from other images: nothing to choose
    for (String page : List.of("/", "/variations", "/interpolate")) {
      assertFalse(browser.get(page).asString().contains("name=\"pack\""), page);
    }
  }

  @Test
  void anInpaintingJobSentToTheGlidePackRunsOnItAndTheJobImageAndPngNameIt() throws Exception {
    pool.start();
    Response sent =
        api()
            .body(
                Map.of(
                    "prompt",
                    "a corgi",
                    "source",
                    base64(Pngs.solid(64, 64, 0xff0000)),
                    "mask",
                    base64(Pngs.leftHalfMask(64, 64)),
                    "pack",
                    glide))
            .post("/api/v1/jobs/inpaint");
    assertEquals(202, sent.statusCode(), sent.asString());
    long job = sent.jsonPath().getLong("id");
    Await.until(
        Duration.ofSeconds(120), () -> !List.of("QUEUED", "RUNNING").contains(data.status(job)));
    assertEquals(
        "SUCCEEDED", data.status(job), sql.string("SELECT error FROM job WHERE id = " + job));
    assertEquals(glide, sql.string("SELECT pack_name FROM job WHERE id = " + job));

    assertTrue(
        browser.get("/jobs/" + job).asString().contains("<dt>Pack</dt><dd>" + glide), "job page");
    long image = sql.number("SELECT id FROM image WHERE job_id = " + job);
    assertTrue(browser.get("/images/" + image).asString().contains(glide), "image page");
    byte[] png = browser.get("/images/" + image + ".png").asByteArray();
    assertTrue(PngCodec.readText(png).get("pack").startsWith(glide + " "), "PNG text");
  }

  @Test
  void textToImageForTheGlidePackIsRefusedWithOneMessageOnThePageAndInTheApi() {
    String message =
        RequestRules.packProblem(
                new RequestRules.PackAbilities(glide, false, true), JobKind.TEXT_TO_IMAGE)
            .orElseThrow();
    Response page =
        browser.post("/jobs", Map.of("prompt", "a red circle", "images", "1", "pack", glide));
    assertEquals(400, page.statusCode());
    assertTrue(page.asString().contains(message), page.asString());

    Response api = api().body(Map.of("prompt", "a red circle", "pack", glide)).post("/api/v1/jobs");
    assertEquals(400, api.statusCode());
    assertEquals(message, api.jsonPath().getString("detail"));
    assertEquals(message, api.jsonPath().getString("fields.pack"));
    assertEquals(0, sql.count("job"));
  }

  @Test
  void anUnknownPackIsRefusedNamingTheFieldAndThePacksOnOffer() {
    String message = RequestRules.unknownPack("karlo", List.of("tiny", glide));
    Response api =
        api().body(Map.of("prompt", "a red circle", "pack", "karlo")).post("/api/v1/jobs");
    assertEquals(400, api.statusCode());
    assertEquals(message, api.jsonPath().getString("fields.pack"));
    Response page =
        browser.post("/jobs", Map.of("prompt", "a red circle", "images", "1", "pack", "karlo"));
    assertEquals(400, page.statusCode());
    assertTrue(page.asString().contains(message), page.asString());
    assertEquals(0, sql.count("job"));
  }

  @Test
  void theBrokenPackIsDownInHealthAndTheConsoleWhileTheOthersRunJobs() throws Exception {
    pool.start();
    Map<String, String> checks =
        given()
            .get(management.toString().replaceAll("/+$", "") + "/health/ready")
            .jsonPath()
            .getMap("checks.find { it.name == 'model-pack' }.data");
    assertEquals("UP", checks.get("tiny"), checks.toString());
    assertEquals("UP", checks.get(glide), checks.toString());
    String broken =
        checks.keySet().stream()
            .filter(k -> k.endsWith(SeveralPacksProfile.BROKEN))
            .findFirst()
            .orElseThrow();
    assertTrue(checks.get(broken).startsWith("DOWN: cannot be used: pack.json"), checks.toString());
    assertEquals(
        "UP",
        given()
            .get(management.toString().replaceAll("/+$", "") + "/health/ready")
            .jsonPath()
            .getString("checks.find { it.name == 'model-pack' }.status"));

    long job = data.textJob(user, "a blue square");
    Await.until(Duration.ofSeconds(120), () -> "SUCCEEDED".equals(data.status(job)));

    WebClient admin = WebClient.signedIn("admin", "admin-secret-for-tests");
    String console = admin.get("/admin/workers").asString();
    assertTrue(console.contains(glide + " 1"), console);
    assertTrue(console.contains("UP on 1 worker"), console);
    assertTrue(console.contains("DOWN: cannot be used: pack.json"), console);
  }

  private RequestSpecification api() {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  private static String base64(byte[] png) {
    return Base64.getEncoder().encodeToString(png);
  }
}
