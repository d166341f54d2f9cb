package dev.unclipstudio.account;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions and API tokens note their last use at most once a minute: a page view or an API call is
 * a read, not a committed write, yet a session in use stays alive and the account page still says
 * when a token was last used.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class LastUseTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;

  CurrentUser user;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("regular");
  }

  /** Seconds since the user's one session was last seen. */
  private long sessionAge() {
    return sql.number(
        "SELECT extract(epoch FROM now() - last_seen_at)::bigint FROM user_session WHERE user_id = "
            + user.id());
  }

  @Test
  void aSessionSeenWithinTheMinuteIsNotWrittenAgain() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    sql.execute(
        "UPDATE user_session SET last_seen_at = now() - interval '30 seconds' WHERE user_id = "
            + user.id());
    long xmin =
        sql.number("SELECT xmin::text::bigint FROM user_session WHERE user_id = " + user.id());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, browser.get("/gallery").statusCode());
    }
    assertTrue(sessionAge() >= 30, "not touched: " + sessionAge());
    assertEquals(
        xmin,
        sql.number("SELECT xmin::text::bigint FROM user_session WHERE user_id = " + user.id()),
        "the row was not written at all");
  }

  @Test
  void aSessionSeenLongerAgoIsTouchedAndStaysAlive() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    sql.execute(
        "UPDATE user_session SET last_seen_at = now() - interval '5 minutes' WHERE user_id = "
            + user.id());
    assertEquals(200, browser.get("/gallery").statusCode());
    assertTrue(sessionAge() < 5, "touched: " + sessionAge());
  }

  @Test
  void aSessionPastItsTimeoutSignsOut() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    sql.execute(
        "UPDATE user_session SET last_seen_at = now() - interval '400 days' WHERE user_id = "
            + user.id());
    assertEquals(302, browser.get("/gallery").statusCode(), "sent to sign in");
  }

  @Test
  void anApiTokenNotesItsUseOncePerMinute() {
    String token = tokens.create(user.id(), "script");
    String lastUsed =
        "SELECT coalesce(last_used_at::text, 'never') FROM api_token WHERE user_id = ";
    assertEquals("never", sql.string(lastUsed + user.id()));
    given().header("Authorization", "Bearer " + token).get("/api/v1/jobs").then().statusCode(200);
    String first = sql.string(lastUsed + user.id());
    assertTrue(!first.equals("never"), "the first use is noted");
    given().header("Authorization", "Bearer " + token).get("/api/v1/jobs").then().statusCode(200);
    assertEquals(first, sql.string(lastUsed + user.id()), "a use within the minute is not");
    sql.execute(
        "UPDATE api_token SET last_used_at = now() - interval '2 minutes' WHERE user_id = "
            + user.id());
    given().header("Authorization", "Bearer " + token).get("/api/v1/jobs").then().statusCode(200);
    assertEquals(
        0L,
        sql.number(
            "SELECT extract(epoch FROM now() - last_used_at)::bigint / 60 FROM api_token WHERE user_id = "
                + user.id()),
        "a use after it is");
  }
}
