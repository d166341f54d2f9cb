package dev.unclipstudio.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.testing.Pngs;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.worker.WorkerPool;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Making a job again from its page, in Chromium: the same seeds and settings, the prompt alone, the
 * parameters on the clipboard, and an interpolation's form with its two images chosen.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ReuseBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;

  @BeforeEach
  void setUp() {
    pool.stop(); // the jobs are finished here, with known settings
    data.reset();
  }

  @Test
  void aFinishedJobIsMadeAgainWithItsSeedsAndSettingsOrJustItsPrompt() {
    CurrentUser user = data.user("reuser");
    long job =
        data.rawJob(
            user,
            "a red square on grey",
            "{\"prompt\":\"a red square on grey\",\"seeds\":[41,42],\"priorGuidanceScale\":3.5,"
                + "\"decoderSteps\":4}",
            2);
    finish(2);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);

      d.get(base + "jobs/" + job);
      browser.screenshot("30-job-reuse");
      d.findElement(By.id("remake")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("prompt")));
      assertEquals("a red square on grey", value(d, "prompt"));
      assertEquals("41", value(d, "seed"));
      assertEquals("2", value(d, "images"));
      assertEquals("3.5", value(d, "priorGuidanceScale"));
      assertEquals("4", value(d, "decoderSteps"));
      assertEquals("", value(d, "priorSteps"), "a default stays a default");

      d.get(base + "jobs/" + job);
      d.findElement(By.id("reuse-prompt")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("prompt")));
      assertEquals("a red square on grey", value(d, "prompt"));
      assertEquals("", value(d, "seed"), "a new seed");
      assertEquals("", value(d, "decoderSteps"), "the pack's defaults");
      assertEquals("4", value(d, "images"), "the form's usual count");

      d.get(base + "jobs/" + job);
      // headless Chromium grants no clipboard: what the page writes to it is caught instead
      js(
          d,
          """
          Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
            writeText: function (text) { window.copiedText = text; return Promise.resolve(); } } });
          """);
      d.findElement(By.id("copy-params")).click();
      waitFor(
          d,
          ExpectedConditions.textToBe(
              By.id("copy-status"), "Copied as the JSON body of POST /api/v1/jobs."));
      assertEquals(
          "{\"prompt\":\"a red square on grey\",\"images\":2,\"seed\":41,"
              + "\"priorGuidanceScale\":3.5,\"decoderSteps\":4,\"pack\":\"tiny\"}",
          js(d, "return window.copiedText;"));
    }
  }

  @Test
  void anInterpolationIsMadeAgainFromTheSameTwoImages() {
    CurrentUser user = data.user("morpher");
    data.textJob(user, "two ends");
    List<Long> ends = finish(2);
    long job =
        data.rawJob(
            user,
            "",
            "{\"seeds\":[9],\"sourceImageIds\":["
                + ends.get(0)
                + ","
                + ends.get(1)
                + "],"
                + "\"frames\":5}",
            5);
    sql.execute("UPDATE job SET kind = 'INTERPOLATION', prompt = NULL WHERE id = " + job);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "jobs/" + job);
      assertEquals(0, d.findElements(By.id("reuse-prompt")).size(), "no prompt to reuse");
      d.findElement(By.id("remake")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("a")));
      assertEquals(ends.get(0).toString(), selected(d, "a"));
      assertEquals(ends.get(1).toString(), selected(d, "b"));
    }
  }

  /** Finishes the queued job with {@code count} small images; their ids in order. */
  private List<Long> finish(int count) {
    ClaimedJob job = queue.claim("w").orElseThrow();
    List<ResultImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] png = Pngs.solid(64, 64, 0xff0000 - 0x200000 * i);
      images.add(new ResultImage(i, 41 + i, 64, 64, "{}", null, null, png, png));
    }
    queue.complete(job.lease(), images);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          sql.number(
              "SELECT id FROM image WHERE job_id = %d AND index_in_job = %d"
                  .formatted(job.lease().jobId(), i)));
    }
    return ids;
  }

  private static String value(WebDriver d, String id) {
    return d.findElement(By.id(id)).getAttribute("value");
  }

  private static String selected(WebDriver d, String id) {
    return new Select(d.findElement(By.id(id))).getFirstSelectedOption().getAttribute("value");
  }

  private static Object js(WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
