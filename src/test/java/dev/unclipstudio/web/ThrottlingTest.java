package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import dev.unclipstudio.time.DatabaseClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in and sign-up throttling; every request here comes from the same address, 127.0.0.1. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ThrottlingTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject DatabaseClock clock;

  @BeforeEach
  @AfterEach
  void clean() {
    // the counts and the clock must not leak into other tests, which sign in from this address too
    data.reset();
    sql.execute("DELETE FROM studio_setting");
    clock.reset();
  }

  @Test
  void afterFiveWrongPasswordsEvenTheRightOneWaitsAndEachFurtherFailureDoublesTheWait() {
    CurrentUser user = data.user("guessed");
    for (int i = 1; i <= 5; i++) {
      assertEquals(401, signIn(user.username(), "wrong " + i).statusCode(), "attempt " + i);
    }
    Response refused = signIn(user.username(), password(user));
    assertEquals(429, refused.statusCode());
    assertTrue(refused.asString().contains("Too many attempts. Try again in 1 second."));
    assertEquals("1", refused.header("Retry-After"));

    clock.advance(Duration.ofMillis(1100));
    assertEquals(401, signIn(user.username(), "wrong 6").statusCode());
    Response doubled = signIn(user.username(), password(user));
    assertEquals(429, doubled.statusCode());
    assertTrue(doubled.asString().contains("Try again in 2 seconds."), doubled.asString());
    clock.advance(Duration.ofMillis(1100));
    assertEquals(429, signIn(user.username(), password(user)).statusCode());

    clock.advance(Duration.ofMillis(1000));
    assertEquals(303, signIn(user.username(), password(user)).statusCode());
    assertEquals(
        401,
        signIn(user.username(), "wrong again").statusCode(),
        "a success starts the account's count again");
  }

  @Test
  void aThrottledAttemptIsRefusedWithoutLookingAtThePassword() {
    CurrentUser user = data.user("locked");
    for (int i = 1; i <= 5; i++) {
      signIn(user.username(), "wrong " + i);
    }
    assertEquals(429, signIn(user.username(), "wrong 6").statusCode());
    assertEquals(5, sql.number("SELECT failures FROM sign_in_failure WHERE kind = 'ACCOUNT'"));
  }

  @Test
  void anotherAccountFromTheSameAddressIsThrottledAfterTwentyFailures() {
    CurrentUser bystander = data.user("bystander");
    // four wrong passwords for each of five names: no single account reaches its threshold
    for (int i = 0; i < 19; i++) {
      assertEquals(401, signIn("victim" + i / 4, "guess " + i).statusCode(), "attempt " + i);
    }
    assertEquals(
        303,
        signIn(bystander.username(), password(bystander)).statusCode(),
        "19 failures from one address do not stop its other users");
    assertEquals(401, signIn("victim4", "guess 19").statusCode());

    Response refused = signIn(bystander.username(), password(bystander));
    assertEquals(429, refused.statusCode());
    assertTrue(refused.asString().contains("Too many attempts. Try again in 1 second."));
    clock.advance(Duration.ofMillis(1100));
    assertEquals(303, signIn(bystander.username(), password(bystander)).statusCode());
  }

  @Test
  void signUpOverTheHourlyLimitOfTheAddressIsRefusedWithAMessage() {
    for (int i = 1; i <= 5; i++) {
      assertEquals(303, signUp("newcomer" + i).statusCode(), "sign-up " + i);
    }
    Response refused = signUp("newcomer6");
    assertEquals(429, refused.statusCode());
    assertTrue(
        refused
            .asString()
            .contains("Too many new accounts from your address. Try again in 60 minutes."),
        refused.asString());
    assertEquals(0, sql.count("app_user WHERE username = 'newcomer6'"));

    clock.advance(Duration.ofMinutes(61));
    assertEquals(303, signUp("newcomer6").statusCode());
  }

  @Test
  void theAdminSettingChangesTheSignUpLimit() {
    CurrentUser admin = data.user("root", Role.ADMIN);
    WebClient boss = WebClient.signedIn(admin.username(), password(admin));
    assertTrue(boss.get("/admin/settings").asString().contains("value=\"5\""));
    assertEquals(
        400, boss.post("/admin/settings/sign-up", Map.of("signupsPerHour", "0")).statusCode());
    assertEquals(
        303, boss.post("/admin/settings/sign-up", Map.of("signupsPerHour", "1")).statusCode());
    assertTrue(
        boss.get("/admin/settings")
            .asString()
            .contains(
                "name=\"signupsPerHour\" type=\"number\" min=\"1\" max=\"10000\" value=\"1\""));

    assertEquals(303, signUp("first").statusCode());
    assertEquals(429, signUp("second").statusCode());

    boss.post("/admin/settings/sign-up", Map.of("signupsPerHour", "2"));
    assertEquals(303, signUp("second").statusCode());
  }

  private static Response signIn(String username, String password) {
    return WebClient.anonymous().post("/login", Map.of("username", username, "password", password));
  }

  private static Response signUp(String username) {
    return WebClient.anonymous()
        .post("/signup", Map.of("username", username, "password", "violet harbour lantern"));
  }

  private static String password(CurrentUser user) {
    return "password-" + user.username();
  }
}
