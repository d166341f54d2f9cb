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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio as a person uses it, in real headless Chromium: sign up, create, watch the job, share
 * to the gallery, ask for variations, paint a mask and repaint it, and an admin cancelling
 * someone's running job.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class StudioBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;

  @BeforeEach
  void setUp() {
    pool.stop();
    data.reset();
  }

  @AfterEach
  void tearDown() {
    pool.stop();
  }

  @Test
  void signUpCreateWatchShareVaryAndRepaint() {
    pool.start();
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      d.get(base + "signup");
      d.findElement(By.id("username")).sendKeys("alice");
      d.findElement(By.id("password")).sendKeys("alice in studio");
      d.findElement(By.cssSelector("form button[type=submit]")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("prompt")));

      d.findElement(By.id("prompt")).sendKeys("a small red circle in the top left corner");
      WebElement images = d.findElement(By.id("images"));
      images.clear();
      images.sendKeys("2");
      d.findElement(By.cssSelector("form[action='/jobs'] button[type=submit]")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("job-status")));
      browser.screenshot("01-job-submitted");
      awaitStatus(d, "Done");
      browser.screenshot("02-job-done");
      assertEquals(2, d.findElements(By.cssSelector("#job-images img")).size());

      d.findElement(By.cssSelector("#job-images a.open")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("variations")));
      String imagePage = d.getCurrentUrl();
      d.findElement(By.xpath("//button[text()='Share in the gallery']")).click();
      // the image page comes back with the opposite switch once the share is stored
      waitFor(
          d,
          ExpectedConditions.presenceOfElementLocated(By.xpath("//button[text()='Make private']")));
      d.get(base + "gallery");
      assertTrue(
          d.findElements(By.cssSelector(".grid img")).size() >= 1,
          "the shared image is in the gallery");
      browser.screenshot("03-gallery");

      d.get(imagePage);
      d.findElement(By.id("variations")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("job-status")));
      awaitStatus(d, "Done");
      assertEquals(4, d.findElements(By.cssSelector("#job-images img")).size());
      browser.screenshot("04-variations");

      d.get(imagePage);
      d.findElement(By.linkText("Repaint a region")).click();
      WebElement canvas =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("editor-canvas")));
      new Actions(d)
          .moveToElement(canvas, -150, -150)
          .clickAndHold()
          .moveByOffset(120, 120)
          .moveByOffset(60, -20)
          .release()
          .perform();
      d.findElement(By.id("tool-undo")).click();
      d.findElement(By.id("tool-redo")).click();
      d.findElement(By.id("prompt")).sendKeys("a blue star");
      browser.screenshot("05-mask-painted");
      d.findElement(By.cssSelector("#inpaint-form button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/jobs/"));
      awaitStatus(d, "Done");
      browser.screenshot("06-inpainted");
      assertEquals(2, d.findElements(By.cssSelector("#job-images img")).size());
    }
  }

  @Test
  void anAdminCancelsSomeonesRunningJob() {
    CurrentUser user = data.user("patient");
    long id =
        data.rawJob(
            user,
            "a long job",
            "{\"prompt\":\"a long job\",\"seeds\":[1,2,3,4,5,6,7,8],\"decoderSteps\":1000}",
            8);
    pool.start();
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      d.get(base + "login");
      d.findElement(By.id("username")).sendKeys("admin");
      d.findElement(By.id("password")).sendKeys("admin-secret-for-tests");
      d.findElement(By.cssSelector("form button[type=submit]")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("prompt")));
      new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> "RUNNING".equals(data.status(id)));

      d.get(base + "admin/jobs?status=RUNNING");
      browser.screenshot("07-admin-running");
      d.findElement(By.cssSelector("form[action^='/admin/jobs/" + id + "/cancel'] button")).click();
      // the console asks first, then comes back to the list as it was filtered
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("confirm-form")));
      assertEquals("RUNNING", data.status(id), "nothing happens before the answer");
      d.findElement(By.cssSelector("#confirm-form button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(30))
          .until(ExpectedConditions.urlContains("/admin/jobs?status=RUNNING"));
      new WebDriverWait(d, Duration.ofSeconds(30)).until(x -> "CANCELLED".equals(data.status(id)));
      d.get(base + "admin/jobs");
      browser.screenshot("08-admin-cancelled");
      assertTrue(d.findElement(By.cssSelector("main table")).getText().contains("Cancelled"));
      assertTrue(d.getPageSource().contains("Cancelled by an administrator."));
      assertEquals(0, sql.count("image"));
    }
  }

  private static WebElement waitFor(
      WebDriver d, org.openqa.selenium.support.ui.ExpectedCondition<WebElement> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }

  /** The job page updates itself over SSE and reloads when the job ends. */
  private static void awaitStatus(WebDriver d, String status) {
    new WebDriverWait(d, Duration.ofSeconds(120))
        .until(
            x -> {
              try {
                return status.equals(x.findElement(By.id("job-status")).getText());
              } catch (org.openqa.selenium.StaleElementReferenceException
                  | org.openqa.selenium.NoSuchElementException e) {
                return false;
              }
            });
  }
}
