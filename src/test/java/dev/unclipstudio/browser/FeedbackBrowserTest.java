package dev.unclipstudio.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What the studio tells a user before and while they wait, as seen in Chromium. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class FeedbackBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;

  @BeforeEach
  void setUp() {
    pool.stop(); // jobs stay queued: these tests look at what the pages say
    data.reset();
  }

  @Test
  void wordsTheModelNeverSawAreNamedWhileTypingBeforeAnythingIsSubmitted() {
    CurrentUser user = data.user("typist");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      WebElement notes = d.findElement(By.id("prompt-notes"));
      assertTrue(!notes.isDisplayed(), "nothing to say about an empty prompt");
      d.findElement(By.id("prompt")).sendKeys("an armchair in the shape of an avocado");
      waitFor(
          d, ExpectedConditions.textToBePresentInElementLocated(By.id("prompt-notes"), "avocado"));
      browser.screenshot("30-prompt-notes");
      assertEquals(
          "The model of pack tiny never saw the words “an”, “armchair”, “shape”, “avocado” in"
              + " training: it will ignore or misread them.",
          notes.getText());
      assertEquals(0, sql.count("job"), "nothing submitted");
      String limit = d.findElement(By.id("prompt")).getAttribute("maxlength");
      assertEquals(
          "38 of " + limit + " characters",
          d.findElement(By.id("prompt-count")).getText(),
          "the live count, against the server's limit");

      d.findElement(By.id("prompt")).clear();
      d.findElement(By.id("prompt")).sendKeys("a red circle");
      waitFor(d, ExpectedConditions.invisibilityOfElementLocated(By.id("prompt-notes")));
    }
  }

  @Test
  void aJobQueuedBehindPausedWorkersSaysNothingIsRunning() {
    CurrentUser user = data.user("patient");
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('a/cpu/0', 'a', 'cpu', 'PAUSED')");
    long job = data.textJob(user, "a green triangle");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      assertTrue(
          d.findElement(By.id("usage")).getText().contains("1 of "), "the active job is counted");
      WebElement time = d.findElement(By.cssSelector("time[datetime]"));
      String made = time.getText();
      assertTrue(
          made.matches(".*\\d{2}:\\d{2}:\\d{2}.*(UTC|GMT|[A-Z]{3,}).*"),
          "the reader's local time with seconds and its zone: " + made);
      String served = time.getAttribute("title"); // the page's UTC text, kept by local-time.js
      assertTrue(served != null && served.endsWith("UTC"), "served as UTC: " + served);
      assertTrue(!made.equals(served), "rewritten in the browser: " + made);
      d.get(base + "jobs/" + job);
      WebElement detail =
          waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("job-detail")));
      browser.screenshot("31-workers-paused");
      assertEquals(
          "Waiting in the queue: position 1. Workers are paused — nothing is running until an"
              + " administrator resumes them.",
          detail.getText());
    }
  }

  @Test
  void theTimeLeftCountsDownBetweenProgressEvents() {
    CurrentUser user = data.user("watcher");
    long job = data.textJob(user, "a blue square");
    // a job in a long step: its worker (none here) would send the next event only when the step
    // ends
    sql.execute(
        "UPDATE job SET status = 'RUNNING', lease_owner = 'elsewhere', lease_token = gen_random_uuid(),"
            + " lease_expires_at = now() + interval '1 hour', started_at = now(), stage = 'super_res',"
            + " step = 1, stage_steps = 7, progress = 0.8, eta_at = now() + interval '125 seconds'"
            + " WHERE id = "
            + job);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "jobs/" + job);
      waitFor(
          d,
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("job-detail"), "Upscaling, step 1 of 7 · 80% · about 2 min"));
      WebElement detail = d.findElement(By.id("job-detail"));
      waitFor(d, ignored -> secondsLeft(detail.getText()) <= 122);
      int later = secondsLeft(detail.getText());
      assertTrue(later >= 100, "counted down from the estimate, not to zero: " + detail.getText());
      assertEquals(1L, sql.count("job WHERE status = 'RUNNING' AND step = 1"), "no event came");
    }
  }

  /** The seconds in "… · about 2 min 3 s left". */
  private static int secondsLeft(String detail) {
    Matcher m = Pattern.compile("about (?:(\\d+) min )?(\\d+) s left").matcher(detail);
    if (!m.find()) {
      return Integer.MAX_VALUE;
    }
    return (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)) * 60)
        + Integer.parseInt(m.group(2));
  }

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
