package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AccountPagesTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens apiTokens;

  @BeforeEach
  void clean() {
    data.reset();
  }

  @Test
  void signUpSignsInAndStoresABcryptHash() {
    WebClient browser = WebClient.anonymous();
    Response r =
        browser.post("/signup", Map.of("username", "newcomer", "password", "correct horse"));
    assertEquals(303, r.statusCode());
    assertNotNull(browser.cookie("studio_session"));
    assertEquals(200, browser.get("/jobs").statusCode());
    String hash = sql.string("SELECT password_hash FROM app_user WHERE username = 'newcomer'");
    assertTrue(hash.startsWith("$2"), "not a bcrypt hash: " + hash);
  }

  @Test
  void signUpShowsAnErrorPerField() {
    Response r =
        WebClient.anonymous().post("/signup", Map.of("username", "x", "password", "short"));
    assertEquals(400, r.statusCode());
    assertTrue(r.asString().contains("Use 3 to 40 letters"));
    assertTrue(r.asString().contains("Use at least 8 characters"));
  }

  @Test
  void signUpRefusesEasilyGuessedPasswords() {
    for (String weak : List.of("password", "12345678", "        ", "weakling99")) {
      Response r =
          WebClient.anonymous().post("/signup", Map.of("username", "weakling99", "password", weak));
      assertEquals(400, r.statusCode(), weak);
      assertTrue(r.asString().contains("This password is too easy to guess."), weak);
    }
    assertEquals(0, sql.count("app_user WHERE username = 'weakling99'"));
  }

  @Test
  void usernamesAreUniqueRegardlessOfCase() {
    data.user("Taken");
    String name = sql.string("SELECT username FROM app_user WHERE username LIKE 'Taken%'");
    Response r =
        WebClient.anonymous()
            .post("/signup", Map.of("username", name.toLowerCase(), "password", "long enough"));
    assertEquals(400, r.statusCode());
    assertTrue(r.asString().contains("That name is taken"));
  }

  @Test
  void wrongPasswordIsRefused() {
    CurrentUser user = data.user("pw");
    Response r =
        WebClient.anonymous()
            .post("/login", Map.of("username", user.username(), "password", "wrong"));
    assertEquals(401, r.statusCode());
    assertTrue(r.asString().contains("Wrong username or password"));
  }

  @Test
  void signOutEndsTheSession() {
    CurrentUser user = data.user("out");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    String session = browser.cookie("studio_session");
    assertEquals(303, browser.post("/logout", Map.of()).statusCode());
    WebClient replay = WebClient.anonymous();
    io.restassured.RestAssured.given()
        .redirects()
        .follow(false)
        .cookie("studio_session", session)
        .get("/jobs")
        .then()
        .statusCode(302);
  }

  @Test
  void signOutEverywhereEndsEverySessionOnTheNextRequest() {
    CurrentUser user = data.user("everywhere");
    WebClient laptop = WebClient.signedIn(user.username(), "password-" + user.username());
    WebClient phone = WebClient.signedIn(user.username(), "password-" + user.username());
    assertEquals(200, phone.get("/jobs").statusCode());
    laptop.post("/account/sign-out-everywhere", Map.of());
    assertEquals(302, phone.get("/jobs").statusCode());
  }

  private static Map<String, String> passwordChange(String current, String proposed, String again) {
    return Map.of("currentPassword", current, "newPassword", proposed, "repeatPassword", again);
  }

  @Test
  void changingThePasswordNeedsTheCurrentOneAndSignsOutEveryOtherSession() {
    CurrentUser user = data.user("changer");
    String old = "password-" + user.username();
    WebClient laptop = WebClient.signedIn(user.username(), old);
    WebClient phone = WebClient.signedIn(user.username(), old);
    String token = apiTokens.create(user.id(), "script");

    Response changed =
        laptop.post(
            "/account/password",
            passwordChange(old, "violet harbour lanterns", "violet harbour lanterns"));
    assertEquals(303, changed.statusCode(), changed.asString());
    assertEquals(
        "/account?changed=password",
        changed.header("Location").replaceFirst("^https?://[^/]+", ""));
    assertTrue(
        laptop.get("/account?changed=password").asString().contains("Your password was changed."));
    assertEquals(302, phone.get("/jobs").statusCode(), "the other session is signed out");
    assertEquals(200, laptop.get("/jobs").statusCode(), "this one goes on");
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs")
        .then()
        .statusCode(200);
    assertEquals(
        401,
        WebClient.anonymous()
            .post("/login", Map.of("username", user.username(), "password", old))
            .statusCode());
    WebClient.signedIn(user.username(), "violet harbour lanterns");
  }

  @Test
  void aPasswordChangeIsRefusedWithAMessagePerFieldAndChangesNothing() {
    CurrentUser user = data.user("careful");
    String old = "password-" + user.username();
    WebClient me = WebClient.signedIn(user.username(), old);
    WebClient phone = WebClient.signedIn(user.username(), old);
    String hash = sql.string("SELECT password_hash FROM app_user WHERE id = " + user.id());

    Response wrongCurrent =
        me.post(
            "/account/password",
            passwordChange("not it", "violet harbour lanterns", "violet harbour lanterns"));
    assertEquals(400, wrongCurrent.statusCode());
    assertTrue(wrongCurrent.asString().contains("That is not your current password."));
    Response weak = me.post("/account/password", passwordChange(old, "password", "password"));
    assertEquals(400, weak.statusCode());
    assertTrue(weak.asString().contains("This password is too easy to guess."), "sign-up's rules");
    Response differ =
        me.post(
            "/account/password",
            passwordChange(old, "violet harbour lanterns", "violet harbor lanterns"));
    assertEquals(400, differ.statusCode());
    assertTrue(differ.asString().contains("The two new passwords differ"));

    assertEquals(hash, sql.string("SELECT password_hash FROM app_user WHERE id = " + user.id()));
    assertEquals(200, phone.get("/jobs").statusCode(), "no one was signed out");
  }

  @Test
  void signOutEverywhereSaysTokensStayAndRevokesThemOnlyWhenAsked() {
    CurrentUser user = data.user("tokens");
    String kept = apiTokens.create(user.id(), "kept");
    WebClient laptop = WebClient.signedIn(user.username(), "password-" + user.username());
    assertTrue(laptop.get("/account").asString().contains("Your API tokens keep"));

    laptop.post("/account/sign-out-everywhere", Map.of());
    assertEquals(200, apiStatus(kept), "without the box ticked, tokens keep working");

    WebClient again = WebClient.signedIn(user.username(), "password-" + user.username());
    String second = apiTokens.create(user.id(), "second");
    assertEquals(
        303,
        again.post("/account/sign-out-everywhere", Map.of("revokeTokens", "true")).statusCode());
    assertEquals(401, apiStatus(kept));
    assertEquals(401, apiStatus(second));
    assertEquals(302, again.get("/jobs").statusCode());
  }

  private static int apiStatus(String token) {
    return io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/jobs")
        .statusCode();
  }

  @Test
  void aDisabledUserIsOutOnTheNextRequest() {
    CurrentUser user = data.user("disabled");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    assertEquals(200, browser.get("/jobs").statusCode());
    sql.execute("UPDATE app_user SET enabled = false WHERE id = " + user.id());
    assertEquals(302, browser.get("/jobs").statusCode());
    Response again =
        WebClient.anonymous()
            .post(
                "/login",
                Map.of("username", user.username(), "password", "password-" + user.username()));
    assertEquals(401, again.statusCode());
  }

  @Test
  void signInRedirectsOnlyWithinTheSite() {
    CurrentUser user = data.user("redir");
    WebClient browser = WebClient.anonymous();
    Response r =
        browser.post(
            "/login",
            Map.of(
                "username",
                user.username(),
                "password",
                "password-" + user.username(),
                "next",
                "//evil.example/steal"));
    assertEquals(303, r.statusCode());
    assertTrue(r.header("Location").endsWith("/"), r.header("Location"));
  }
}
