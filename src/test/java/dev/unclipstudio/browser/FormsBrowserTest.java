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

/** Forms as a person meets them in Chromium: an expired form, keyboard submission, labels. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class FormsBrowserTest {

  @TestHTTPResource("/")
  URL base;

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;

  @BeforeEach
  void setUp() {
    pool.stop(); // jobs stay queued: these tests look at forms, not at images
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
  void anExpiredFormKeepsThePromptAndGoesThroughWhenSubmittedAgain() {
    CurrentUser user = data.user("idle");
    try (Browser browser = Browser.start()) {
      WebDriver d = browser.driver;
      signIn(d, user);
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

  private static <T> T waitFor(WebDriver d, ExpectedCondition<T> condition) {
    return new WebDriverWait(d, Duration.ofSeconds(30)).until(condition);
  }
}
