package dev.unclipstudio.browser;

import dev.unclipstudio.account.CurrentUser;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: nothing is downloaded, and
 * Chromium is kept off the network except for the studio on localhost. Screenshots go to {@code
 * target/screenshots}.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final WebDriver driver;

  private Browser(WebDriver driver) {
    this.driver = driver;
  }

  static Browser start() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Skipped: browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    try {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--window-size=1100,1400",
          "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
          "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
              .build();
      WebDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().implicitlyWait(Duration.ofMillis(200));
      return new Browser(driver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Signs in through the sign-in page as a test user (password {@code password-<name>}, as {@code
   * TestData} makes them) and waits for the create page.
   */
  static void signIn(WebDriver d, URL base, CurrentUser user) {
    d.get(base + "login");
    d.findElement(By.id("username")).sendKeys(user.username());
    d.findElement(By.id("password")).sendKeys("password-" + user.username());
    d.findElement(By.cssSelector("form button[type=submit]")).click();
    new WebDriverWait(d, Duration.ofSeconds(30))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("prompt")));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
