package dev.unclipstudio.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A form whose CSRF token expired comes back with the input kept and a fresh token; a forged
 * cross-site form is still refused bare.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ExpiredFormTest {

  private static final String NOTE = "This form expired; your input is kept — submit again.";
  private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

  @Inject TestData data;
  @Inject Sql sql;

  CurrentUser user;
  String session;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("tabhoarder");
    session =
        WebClient.signedIn(user.username(), "password-" + user.username()).cookie("studio_session");
  }

  private static String ourOrigin() {
    return RestAssured.baseURI + ":" + RestAssured.port;
  }

  /** A page form sent after its token cookie expired: the session is there, the token is not. */
  private Response submitExpired(String origin) {
    var request =
        given()
            .redirects()
            .follow(false)
            .cookie("studio_session", session)
            .contentType("application/x-www-form-urlencoded")
            .formParams(
                Map.of(
                    "prompt",
                    "a red circle & \"a blue star\"",
                    "images",
                    "2",
                    "csrf-token",
                    "stale"));
    if (origin != null) {
      request = request.header("Origin", origin);
    }
    return request.post("/jobs");
  }

  @Test
  void anExpiredFormComesBackWithTheInputAndAFreshTokenAndGoesThroughTheSecondTime() {
    Response expired = submitExpired(ourOrigin());
    assertEquals(400, expired.statusCode());
    String html = expired.asString();
    assertTrue(html.contains(NOTE), html);
    assertTrue(html.contains("action=\"/jobs\""), html);
    assertTrue(
        html.contains("name=\"prompt\" value=\"a red circle &amp; &quot;a blue star&quot;\""),
        html);
    assertTrue(html.contains("name=\"images\" value=\"2\""), html);
    assertEquals(0, sql.count("job"), "nothing was done");

    Matcher token = TOKEN.matcher(html);
    assertTrue(token.find());
    String cookie = expired.getCookie("csrf-token");
    assertEquals(token.group(1), cookie, "the page's token is the new cookie's");
    Response again =
        given()
            .redirects()
            .follow(false)
            .cookie("studio_session", session)
            .cookie("csrf-token", cookie)
            .header("Origin", ourOrigin())
            .contentType("application/x-www-form-urlencoded")
            .formParams(
                Map.of(
                    "prompt",
                    "a red circle & \"a blue star\"",
                    "images",
                    "2",
                    "csrf-token",
                    token.group(1)))
            .post("/jobs");
    assertEquals(303, again.statusCode(), again.asString());
    assertEquals("a red circle & \"a blue star\"", sql.string("SELECT prompt FROM job"));
  }

  @Test
  void aFormFromAnotherSiteOrFromNowhereIsStillRefusedBare() {
    for (String origin : new String[] {null, "https://evil.example", "null"}) {
      Response forged = submitExpired(origin);
      assertEquals(400, forged.statusCode());
      assertFalse(forged.asString().contains("Submit again"), "origin " + origin);
      assertFalse(forged.asString().contains("a red circle"), "origin " + origin);
    }
    assertEquals(0, sql.count("job"));
  }

  @Test
  void passwordsAreAskedForAgainNeverWrittenBackIntoThePage() {
    Response expired =
        given()
            .redirects()
            .follow(false)
            .header("Origin", ourOrigin())
            .contentType("application/x-www-form-urlencoded")
            .formParams(Map.of("username", user.username(), "password", "secret words here"))
            .post("/login");
    assertEquals(400, expired.statusCode());
    String html = expired.asString();
    assertTrue(html.contains(NOTE), html);
    assertTrue(html.contains("name=\"username\" value=\"" + user.username() + "\""), html);
    assertTrue(html.contains("name=\"password\" type=\"password\" required"), html);
    assertFalse(html.contains("secret words here"), html);
  }
}
