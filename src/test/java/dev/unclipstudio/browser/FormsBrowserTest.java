package dev.unclipstudio.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
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
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Forms as a person meets them in Chromium: an expired form, the error summary, keyboard
 * submission, labels.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class FormsBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;

  @BeforeEach
  void setUp() {
    pool.stop(); // jobs stay queued: these tests look at forms, not at images
    data.reset();
  }

  @Test
  void anExpiredFormKeepsThePromptAndGoesThroughWhenSubmittedAgain() {
    CurrentUser user = data.user("idle");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.findElement(By.id("prompt")).sendKeys("a green square at the bottom");
      d.manage().deleteCookieNamed("csrf-token"); // what hours in a forgotten tab do
      d.findElement(By.cssSelector("form[action='/jobs'] button[type=submit]")).click();

      WebElement note =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("expired-note")));
      browser.screenshot("20-form-expired");
      assertEquals("This form expired; your input is kept — submit again.", note.getText());
      assertTrue(d.getPageSource().contains("a green square at the bottom"), "the prompt is shown");
      assertEquals(0, sql.count("job"));

      d.findElement(By.cssSelector("#resend-form button[type=submit]")).click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("job-status")));
      assertEquals("a green square at the bottom", sql.string("SELECT prompt FROM job"));
    }
  }

  /**
   * Issue 13's case: two bad numbers in "Steps and guidance", closed again before submitting. The
   * page comes back with the section open and a summary at the top that takes the focus and links
   * to each field.
   */
  @Test
  void problemsInACollapsedSectionOpenItAndASummaryAtTheTopLinksToEachField() {
    CurrentUser user = data.user("hasty");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      d.findElement(By.id("prompt")).sendKeys("a red circle in the top left corner");
      WebElement toggle = d.findElement(By.cssSelector("form[action='/jobs'] details > summary"));
      toggle.click();
      d.findElement(By.id("priorSteps")).sendKeys("100000");
      d.findElement(By.id("decoderGuidanceScale")).sendKeys("NaN");
      toggle.click();
      assertFalse(d.findElement(By.id("priorSteps")).isDisplayed(), "collapsed when submitted");
      d.findElement(By.cssSelector("form[action='/jobs'] button[type=submit]")).click();

      WebElement summary =
          waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("error-summary")));
      waitFor(d, x -> "error-summary".equals(activeElementId(x))); // the script moved the focus
      browser.screenshot("23-create-error-summary");
      assertEquals("alert", summary.getAttribute("role"));
      assertEquals("Fix 2 problems to continue", summary.findElement(By.tagName("h2")).getText());
      assertNotNull(
          d.findElement(By.cssSelector("form[action='/jobs'] details")).getAttribute("open"));
      assertTrue(d.findElement(By.id("priorSteps")).isDisplayed(), "the section is open");
      assertEquals(
          "a red circle in the top left corner",
          d.findElement(By.id("prompt")).getAttribute("value"));
      assertEquals("100000", d.findElement(By.id("priorSteps")).getAttribute("value"));

      List<WebElement> links = summary.findElements(By.tagName("a"));
      assertEquals(
          List.of("#priorSteps", "#decoderGuidanceScale"),
          links.stream().map(a -> a.getDomAttribute("href")).toList());
      for (WebElement link : links) {
        String field = link.getDomAttribute("href").substring(1);
        WebElement error =
            d.findElement(By.xpath("//*[@id='" + field + "']/following-sibling::p[1]"));
        assertEquals("field-error", error.getAttribute("class"));
        String label = d.findElement(By.cssSelector("label[for='" + field + "']")).getText();
        assertEquals(
            label + ": " + error.getText(), link.getText(), "the form's label and message");
      }
      assertEquals("Prior steps: Use a number from 1 to 250.", links.get(0).getText());
      assertEquals("Decoder guidance: Use a number from 0 to 30.", links.get(1).getText());

      links.get(1).click();
      waitFor(d, x -> "decoderGuidanceScale".equals(activeElementId(x)));
      assertEquals(0, sql.count("job"));
    }
  }

  private static String activeElementId(WebDriver d) {
    return (String) ((JavascriptExecutor) d).executeScript("return document.activeElement.id;");
  }

  @Test
  void controlEnterInThePromptBoxGeneratesAndTheJobPageAnnouncesProgressPolitely() {
    CurrentUser user = data.user("keyboard");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      WebElement prompt = d.findElement(By.id("prompt"));
      prompt.sendKeys("a yellow triangle");
      prompt.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));

      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("job-status")));
      assertEquals("a yellow triangle", sql.string("SELECT prompt FROM job"));
      WebElement announcer = d.findElement(By.id("job-announce"));
      assertEquals("polite", announcer.getAttribute("aria-live"));
    }
  }

  @Test
  void anAdminConfirmsBeforeDisablingSomeoneAndTheJobListKeepsItsFilter() {
    CurrentUser admin = data.user("warden", Role.ADMIN);
    CurrentUser user = data.user("tenant");
    long job = data.textJob(user, "a job to cancel");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, admin);
      d.get(base + "admin/jobs?status=QUEUED&user=" + user.username());
      d.findElement(By.cssSelector("form[action^='/admin/jobs/" + job + "/cancel'] button"))
          .click();
      waitFor(d, ExpectedConditions.presenceOfElementLocated(By.id("confirm-form")));
      d.findElement(By.cssSelector("#confirm-form button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(30)).until(x -> "CANCELLED".equals(data.status(job)));
      assertTrue(
          d.getCurrentUrl().endsWith("/admin/jobs?status=QUEUED&user=" + user.username()),
          d.getCurrentUrl());
      assertEquals("QUEUED", d.findElement(By.id("status")).getAttribute("value"), "filter kept");

      d.get(base + "admin/users");
      d.findElement(By.id("enabled-" + user.id())).click();
      d.findElement(By.cssSelector("form[action='/admin/users/" + user.id() + "'] button")).click();
      // the users page has an h1 too: wait for the confirmation page's own, not just any
      waitFor(d, ExpectedConditions.textToBe(By.tagName("h1"), "Disable " + user.username() + "?"));
      browser.screenshot("22-admin-confirm-disable");
      assertEquals("t", sql.string("SELECT enabled FROM app_user WHERE id = " + user.id()));
      d.findElement(By.cssSelector("#confirm-form button[type=submit]")).click();
      // the confirmation page's own address holds /admin/users: wait for the change itself
      new WebDriverWait(d, Duration.ofSeconds(30))
          .until(
              x -> "f".equals(sql.string("SELECT enabled FROM app_user WHERE id = " + user.id())));
      new WebDriverWait(d, Duration.ofSeconds(30))
          .until(ExpectedConditions.textToBe(By.tagName("h1"), "Users"));
    }
  }

  @Test
  void theThemeFollowsTheSystemsDarkSetting() {
    CurrentUser user = data.user("night");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      Browser.signIn(d, base, user);
      assertEquals("rgb(246, 245, 242)", background(d), "light by default");
      assertEquals(List.of(), lowContrast(d), "light theme");
      ((ChromeDriver) d)
          .executeCdpCommand(
              "Emulation.setEmulatedMedia",
              Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
      assertEquals("rgb(18, 19, 22)", background(d));
      assertEquals(List.of(), lowContrast(d), "dark theme");
      browser.screenshot("21-create-dark");
    }
  }

  /**
   * The stylesheet's text and background pairs below WCAG AA's 4.5:1 for normal text, as "text on
   * background: ratio".
   */
  @SuppressWarnings("unchecked")
  private static List<String> lowContrast(WebDriver d) {
    return (List<String>)
        ((JavascriptExecutor) d)
            .executeScript(
                """
                const style = getComputedStyle(document.documentElement);
                const hex = value => value.length === 4  // #abc -> #aabbcc
                  ? '#' + [1, 2, 3].map(i => value[i] + value[i]).join('') : value;
                const colour = name =>
                  hex(name.startsWith('#') ? name : style.getPropertyValue(name).trim());
                const luminance = rgb => {
                  const [r, g, b] = [1, 3, 5].map(i => parseInt(rgb.slice(i, i + 2), 16) / 255)
                    .map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const ratio = (a, b) => {
                  const [hi, lo] = [luminance(colour(a)), luminance(colour(b))].sort((x, y) => y - x);
                  return (hi + 0.05) / (lo + 0.05);
                };
                const pairs = [['--fg', '--bg'], ['--fg', '--card'], ['--muted', '--card'],
                  ['--muted', '--bg'], ['--accent', '--card'], ['--err', '--card'], ['--ok', '--card'],
                  ['--fg', '--subtle'], ['#ffffff', '--button'], ['#ffffff', '--danger']];
                return pairs.filter(([text, back]) => !(ratio(text, back) >= 4.5)) // NaN (a colour not read) fails too
                  .map(([text, back]) => text + ' on ' + back + ': ' + ratio(text, back).toFixed(2));
                """);
  }

  private static String background(WebDriver d) {
    return (String)
        ((JavascriptExecutor) d)
            .executeScript("return getComputedStyle(document.body).backgroundColor;");
  }

  @Test
  void everyControlOnEveryPageHasALabel() {
    CurrentUser admin = data.user("labeller", Role.ADMIN);
    long jobId = data.textJob(admin, "a labelled circle");
    ClaimedJob job = queue.claim("w").orElseThrow();
    queue.complete(
        job.lease(),
        List.of(
            new ResultImage(
                0, 7, 1, 1, "{\"prompt\":\"x\"}", null, null, Pngs.onePixel(), Pngs.onePixel())));
    long imageId = sql.number("SELECT id FROM image WHERE job_id = " + jobId);
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES ('i1/cpu/0', 'i1', 'cpu', 'RUNNING')");
    List<String> pages =
        List.of(
            "",
            "jobs",
            "jobs/" + jobId,
            "images/" + imageId,
            "gallery",
            "account",
            "inpaint",
            "inpaint?image=" + imageId,
            "variations",
            "interpolate",
            "admin/jobs",
            "admin/workers",
            "admin/users",
            "admin/settings");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      long checked = 0;
      for (String anonymous : List.of("login", "signup")) {
        d.get(base + anonymous);
        checked += assertEveryControlLabelled(d, anonymous);
      }
      Browser.signIn(d, base, admin);
      for (String page : pages) {
        d.get(base + page);
        checked += assertEveryControlLabelled(d, page);
      }
      assertTrue(checked > 40, "controls checked: " + checked);
    }
  }

  /**
   * Inputs a person can reach (not hidden ones, not buttons) have a label element or an ARIA name;
   * a placeholder is no label. Returns how many were checked.
   */
  private static long assertEveryControlLabelled(WebDriver d, String page) {
    @SuppressWarnings("unchecked")
    Map<String, Object> found =
        (Map<String, Object>)
            ((JavascriptExecutor) d)
                .executeScript(
                    """
                    const controls = Array.from(document.querySelectorAll('input, select, textarea'))
                      .filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type));
                    return {
                      checked: controls.length,
                      unlabelled: controls
                        .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')
                                     && !e.getAttribute('aria-labelledby'))
                        .map(e => e.outerHTML)
                    };
                    """);
    assertEquals(List.of(), found.get("unlabelled"), "controls without a label on /" + page);
    return (Long) found.get("checked");
  }

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
