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

  private void signIn(WebDriver d, CurrentUser user) {
    d.get(base + "login");
    d.findElement(By.id("username")).sendKeys(user.username());
    d.findElement(By.id("password")).sendKeys("password-" + user.username());
    d.findElement(By.cssSelector("form button[type=submit]")).click();
    waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("prompt")));
  }

  @Test
  void wordsTheModelNeverSawAreNamedWhileTypingBeforeAnythingIsSubmitted() {
    CurrentUser user = data.user("typist");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      signIn(d, user);
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
      signIn(d, user);
      assertTrue(
          d.findElement(By.id("usage")).getText().contains("1 of "), "the active job is counted");
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

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
