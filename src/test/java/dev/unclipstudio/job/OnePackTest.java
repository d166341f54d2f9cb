package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With the one tiny pack the forms offer no choice, and the API takes its name or none. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class OnePackTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;

  CurrentUser user;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("single");
  }

  @Test
  void noFormOffersAChoiceOfPack() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    for (String page : List.of("/", "/variations", "/interpolate", "/inpaint")) {
      assertFalse(browser.get(page).asString().contains("name=\"pack\""), page);
    }
  }

  @Test
  void theApiTakesThePacksNameOrNoneAndStoresIt() {
    String token = tokens.create(user.id(), "one pack");
    for (Map<String, Object> body :
        List.of(
            Map.<String, Object>of("prompt", "a red circle"),
            Map.<String, Object>of("prompt", "a red circle", "pack", "tiny"))) {
      long id =
          given()
              .header("Authorization", "Bearer " + token)
              .contentType("application/json")
              .body(body)
              .post("/api/v1/jobs")
              .then()
              .statusCode(202)
              .extract()
              .jsonPath()
              .getLong("id");
      assertEquals("tiny", sql.string("SELECT pack_name FROM job WHERE id = " + id));
    }
  }
}
