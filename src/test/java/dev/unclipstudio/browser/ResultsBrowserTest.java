package dev.unclipstudio.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.RequestRules;
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
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Results and the mask editor as a person meets them in Chromium: the large view and its keys, the
 * editor's shortcuts and its checks before anything is sent, a painted mask that survives an
 * expired form, and every main page on a 375 px wide phone.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ResultsBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;

  @BeforeEach
  void setUp() {
    pool.stop(); // results are written here; inpainting jobs stay queued
    data.reset();
  }

  /** A finished job of {@code user} with {@code count} solid 64 px images; their ids in order. */
  private List<Long> finishedJob(CurrentUser user, String prompt, int count) {
    long jobId = data.textJob(user, prompt);
    ClaimedJob job = queue.claim("w").orElseThrow();
    List<ResultImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] png = Pngs.solid(64, 64, 0x0000ff + 0x200000 * i);
      images.add(new ResultImage(i, i, 64, 64, "{}", null, null, png, png));
    }
    queue.complete(job.lease(), images);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          sql.number(
              "SELECT id FROM image WHERE job_id = %d AND index_in_job = %d".formatted(jobId, i)));
    }
    return ids;
  }

  @Test
  void theLargeViewStepsWithTheArrowKeysAndEscapeReturnsToTheThumbnail() {
    CurrentUser user = data.user("viewer");
    List<Long> ids = finishedJob(user, "three blue squares", 3);
    long jobId = sql.number("SELECT job_id FROM image WHERE id = " + ids.get(0));
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "jobs/" + jobId);
      assertEquals(3, d.findElements(By.cssSelector("#job-images .result-card")).size());
      d.findElement(By.cssSelector("#job-images a.lightbox-link")).click();
      WebElement dialog =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("lightbox")));
      assertEquals("1 of 3", text(d, "lightbox-position"));
      assertTrue(src(d).endsWith("/images/" + ids.get(0) + ".png"), src(d));
      browser.screenshot("30-lightbox");

      new Actions(d).sendKeys(Keys.ARROW_RIGHT).perform();
      waitFor(d, ExpectedConditions.textToBe(By.id("lightbox-position"), "2 of 3"));
      assertTrue(src(d).endsWith("/images/" + ids.get(1) + ".png"), src(d));
      assertEquals("Result 2: three blue squares", text(d, "lightbox-caption"));
      new Actions(d).sendKeys(Keys.ARROW_RIGHT).sendKeys(Keys.ARROW_RIGHT).perform();
      waitFor(
          d, ExpectedConditions.textToBe(By.id("lightbox-position"), "3 of 3")); // stops at the end
      new Actions(d).sendKeys(Keys.ARROW_LEFT).perform();
      waitFor(d, ExpectedConditions.textToBe(By.id("lightbox-position"), "2 of 3"));
      assertTrue(
          d.findElement(By.id("lightbox-open"))
              .getAttribute("href")
              .endsWith("/images/" + ids.get(1)));

      new Actions(d).sendKeys(Keys.ESCAPE).perform();
      waitFor(d, ExpectedConditions.invisibilityOf(dialog));
      // the dialog hides first, then the script moves the focus: wait for it, not for a moment
      String lastShown = "/images/" + ids.get(1);
      waitFor(
          d,
          driver ->
              lastShown.equals(js(driver, "return document.activeElement.getAttribute('href');")));
    }
  }

  @Test
  void theEditorRefusesAnEmptyOrAllKeepMaskAndUndoesRedoesAndSizesWithTheKeyboard()
      throws IOException {
    CurrentUser user = data.user("painter");
    long source = finishedJob(user, "a blue square", 1).get(0);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "inpaint?image=" + source);
      WebElement canvas =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("editor-canvas")));
      d.findElement(By.id("prompt")).sendKeys("a red star");
      WebElement submit = d.findElement(By.cssSelector("#inpaint-form button[type=submit]"));

      submit.click();
      assertEquals(
          "Paint the region to repaint, or upload a mask (white = repaint).", error(d).getText());

      new Actions(d).moveToElement(canvas).perform();
      WebElement cursor = d.findElement(By.id("brush-cursor"));
      assertTrue(cursor.isDisplayed(), "the brush's outline follows the pointer");
      assertEquals("48px", cursor.getCssValue("width"));
      d.findElement(By.tagName("h1")).click(); // keys go to the page, not to the prompt box
      new Actions(d).sendKeys("]").perform();
      assertEquals("58 px", text(d, "brush-value"));
      new Actions(d).moveToElement(canvas).perform();
      assertEquals("58px", cursor.getCssValue("width"));
      new Actions(d).sendKeys("[").sendKeys("[").perform();
      assertEquals("37 px", text(d, "brush-value"));

      new Actions(d).moveToElement(canvas).clickAndHold().moveByOffset(40, 0).release().perform();
      long paintedPixels = tintedPixels(d);
      assertTrue(paintedPixels > 0, "the stroke shows");
      new Actions(d).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
      assertEquals(0, tintedPixels(d), "Ctrl+Z undoes the stroke");
      submit.click();
      assertEquals(RequestRules.MASK_KEEPS_EVERYTHING, error(d).getText());
      new Actions(d)
          .keyDown(Keys.CONTROL)
          .keyDown(Keys.SHIFT)
          .sendKeys("z")
          .keyUp(Keys.SHIFT)
          .keyUp(Keys.CONTROL)
          .perform();
      assertEquals(paintedPixels, tintedPixels(d), "Ctrl+Shift+Z redoes it");
      browser.screenshot("31-editor-keys");

      Path wrongSize = Files.createTempFile("mask", ".png");
      Files.write(wrongSize, Pngs.leftHalfMask(32, 48));
      d.findElement(By.id("mask")).sendKeys(wrongSize.toString());
      // named as soon as the file is chosen, and again when the form would go
      waitFor(
          d,
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("inpaint-error"), "The mask is 32 × 48 px"));
      submit.click();
      assertEquals(
          "The mask is 32 × 48 px but the image is 64 × 64 px: use a mask of the image's size"
              + " (the editor paints one).",
          error(d).getText());
      assertEquals(1, sql.count("job"), "nothing was sent: only the source's job exists");
    }
  }

  @Test
  void aPaintedMaskIsKeptWhenTheFormExpiredAndGoesThroughOnTheNextPress() {
    CurrentUser user = data.user("patient");
    long source = finishedJob(user, "a blue square", 1).get(0);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "inpaint?image=" + source);
      WebElement canvas =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("editor-canvas")));
      new Actions(d).moveToElement(canvas).clickAndHold().moveByOffset(60, 30).release().perform();
      long painted = tintedPixels(d);
      d.findElement(By.id("prompt")).sendKeys("a red star");
      d.manage().deleteCookieNamed("csrf-token"); // what hours in a forgotten tab do
      d.findElement(By.cssSelector("#inpaint-form button[type=submit]")).click();

      waitFor(
          d, ExpectedConditions.textToBePresentInElementLocated(By.id("inpaint-error"), "kept"));
      assertEquals(
          "This form expired; your painted mask and input are kept — press Repaint again.",
          error(d).getText());
      assertEquals(painted, tintedPixels(d), "the painting is still there");
      assertEquals(1, sql.count("job"));
      browser.screenshot("32-editor-expired");

      d.findElement(By.cssSelector("#inpaint-form button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/jobs/"));
      assertEquals("a red star", sql.string("SELECT prompt FROM job WHERE kind = 'INPAINT'"));
      assertEquals(
          1,
          sql.number(
              "SELECT count(*) FROM job_input i JOIN job j ON j.id = i.job_id"
                  + " WHERE j.kind = 'INPAINT' AND i.name = 'mask'"));
    }
  }

  @Test
  void theSearchBoxListsMatchesBestMatchFirstWhenChosen() {
    CurrentUser user = data.user("seeker");
    long close = finishedJob(user, "a red circle", 1).get(0);
    long apart = finishedJob(user, "a circle beside a red square", 1).get(0);
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.get(base + "gallery?mine=true");
      d.findElement(By.id("q")).sendKeys("red circle");
      new Select(d.findElement(By.id("sort"))).selectByVisibleText("Best match");
      d.findElement(By.cssSelector("form[role=search] button[type=submit]")).click();
      waitFor(d, ExpectedConditions.urlContains("sort=best"));
      assertTrue(d.getCurrentUrl().contains("mine=true"), d.getCurrentUrl());
      List<String> thumbnails =
          d.findElements(By.cssSelector(".grid img")).stream()
              .map(img -> img.getAttribute("src"))
              .toList();
      assertEquals(
          List.of(base + "images/" + close + "/thumb.png", base + "images/" + apart + "/thumb.png"),
          thumbnails,
          "the words together first, though older");
      assertEquals(
          "Best match",
          new Select(d.findElement(By.id("sort"))).getFirstSelectedOption().getText());
      browser.screenshot("33-gallery-best-match");
    }
  }

  @Test
  void everyMainPageFitsA375PixelPhoneAndTheMenuFoldsAway() {
    CurrentUser admin = data.user("pocket", Role.ADMIN);
    String longPrompt =
        "a red circle above a blue square beside a green triangle under a yellow star "
            + "supercalifragilisticexpialidociouslylongwordwithoutanyspaces";
    List<Long> ids = finishedJob(admin, longPrompt, 3);
    long jobId = sql.number("SELECT job_id FROM image WHERE id = " + ids.get(0));
    data.textJob(admin, longPrompt); // a queued job for the tables
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('a-rather-long-instance-name/cpu/0', 'a-rather-long-instance-name', 'cpu', 'RUNNING')");
    List<String> pages =
        List.of(
            "",
            "jobs",
            "jobs/" + jobId,
            "images/" + ids.get(0),
            "gallery?mine=true",
            "gallery",
            "account",
            "inpaint?image=" + ids.get(0),
            "variations",
            "interpolate",
            "admin/jobs",
            "admin/workers",
            "admin/users",
            "admin/settings");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      ((ChromeDriver) d)
          .executeCdpCommand(
              "Emulation.setDeviceMetricsOverride",
              Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
      Browser.signIn(d, base, admin);
      assertEquals(375L, js(d, "return window.innerWidth;"));
      WebElement nav = d.findElement(By.id("main-nav"));
      assertFalse(nav.isDisplayed(), "the menu is folded");
      d.findElement(By.cssSelector("label[for=menu-toggle]")).click();
      waitFor(d, ExpectedConditions.visibilityOf(nav));
      browser.screenshot("phone-menu");
      List<String> overflowing = new ArrayList<>();
      for (String page : pages) {
        d.get(base + page);
        Object widths =
            js(d, "return document.documentElement.scrollWidth + ' > ' + window.innerWidth;");
        Boolean fits =
            (Boolean) js(d, "return document.documentElement.scrollWidth <= window.innerWidth;");
        if (!fits) {
          overflowing.add("/" + page + ": " + widths);
        }
        browser.screenshot("phone-" + (page.isEmpty() ? "create" : page.replaceAll("\\W+", "-")));
      }
      assertEquals(List.of(), overflowing, "pages wider than the phone");
    }
  }

  /** Pixels of the editor's view that show the red mask tint over the blue source. */
  private static long tintedPixels(WebDriver d) {
    return (Long)
        js(
            d,
            """
            const c = document.getElementById('editor-canvas');
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] > 100) n++;
            return n;
            """);
  }

  private static WebElement error(WebDriver d) {
    return waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("inpaint-error")));
  }

  private static String text(WebDriver d, String id) {
    return d.findElement(By.id(id)).getText();
  }

  private static String src(WebDriver d) {
    return d.findElement(By.id("lightbox-image")).getAttribute("src");
  }

  private static Object js(WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
