package dev.unclipstudio.job;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.time.DatabaseClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API submissions with an Idempotency-Key: sent again, they get the first job, never a second. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class IdempotentSubmitTest {

  private static final String BODY = "{\"prompt\": \"a red circle at the top\", \"images\": 2}";

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ApiTokens tokens;
  @Inject DatabaseClock clock;

  CurrentUser user;
  String token;

  @BeforeEach
  void setUp() {
    data.reset();
    sql.execute("DELETE FROM studio_setting", "DELETE FROM prompt_block");
    user = data.user("retrier");
    token = tokens.create(user.id(), "test");
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void theSameKeyAndRequestAgainGetTheFirstJobWithoutASecondChargeOnTheQuota() {
    // Room for one job of 2 images today: a second charge would be refused (429).
    sql.execute("UPDATE app_user SET daily_image_quota = 3 WHERE id = " + user.id());
    Response first = submit(token, "key-1", BODY);
    assertEquals(202, first.statusCode(), first.asString());
    assertNull(first.header("Idempotent-Replayed"));
    // The same request, spaced and ordered differently, its answer lost and sent again.
    Response again =
        submit(token, "key-1", "{\"images\":2,\n \"prompt\":\"a red circle at the top\"}");
    assertEquals(202, again.statusCode(), again.asString());
    assertEquals(first.jsonPath().getLong("id"), again.jsonPath().getLong("id"));
    assertEquals(first.header("Location"), again.header("Location"));
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals(1, sql.count("job"));
    assertEquals(429, submit(token, "key-2", BODY).statusCode(), "the quota counted one job");
  }

  @Test
  void theSameKeyWithADifferentRequestIsRefusedNamingTheHeader() {
    assertEquals(202, submit(token, "key-1", BODY).statusCode());
    Response other = submit(token, "key-1", "{\"prompt\": \"a blue square\", \"images\": 2}");
    assertEquals(422, other.statusCode(), other.asString());
    assertTrue(other.contentType().startsWith("application/problem+json"), other.contentType());
    assertTrue(other.jsonPath().getString("detail").contains("Idempotency-Key"));
    assertTrue(other.jsonPath().getString("fields.'Idempotency-Key'").contains("different"));
    Response elsewhere =
        given()
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", "key-1")
            .contentType("application/json")
            .body("{\"sourceImageId\": 1}")
            .post("/api/v1/jobs/variations");
    assertEquals(422, elsewhere.statusCode(), "another operation is another request");
    assertEquals(1, sql.count("job"));
  }

  @Test
  void keysBelongToTheirUserAndLast24Hours() {
    CurrentUser other = data.user("neighbour");
    long mine = submit(token, "shared", BODY).jsonPath().getLong("id");
    long theirs =
        submit(tokens.create(other.id(), "test"), "shared", BODY).jsonPath().getLong("id");
    assertNotEquals(mine, theirs);

    clock.advance(Duration.ofHours(24).plusMinutes(1));
    Response later = submit(token, "shared", "{\"prompt\": \"a new day\"}");
    assertEquals(202, later.statusCode(), "an expired key is free again: " + later.asString());
    assertNotEquals(mine, later.jsonPath().getLong("id"));
    assertEquals(3, sql.count("job"));
  }

  @Test
  void aRefusedRequestIsNotRememberedAndMaySucceedWithItsKeyLater() {
    sql.execute("UPDATE app_user SET max_active_jobs = 1 WHERE id = " + user.id());
    long blocking = submit(token, null, BODY).jsonPath().getLong("id");
    assertEquals(429, submit(token, "key-1", BODY).statusCode());
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .post("/api/v1/jobs/" + blocking + "/cancel")
        .then()
        .statusCode(200);
    assertEquals(202, submit(token, "key-1", BODY).statusCode());
  }

  @Test
  void aKeyThatIsNoKeyIsRefusedNamingTheHeader() {
    Response r = submit(token, "x".repeat(256), BODY);
    assertEquals(400, r.statusCode(), r.asString());
    assertTrue(r.jsonPath().getString("fields.'Idempotency-Key'").contains("1 to 255"));
    assertEquals(0, sql.count("job"));
  }

  @Test
  void concurrentRequestsWithOneKeyQueueOneJob() throws Exception {
    int clients = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Callable<Response> send =
            () -> {
              start.await();
              return submit(token, "at-once", BODY);
            };
        answers.add(pool.submit(send));
      }
      start.countDown();
      List<Long> ids = new ArrayList<>();
      for (Future<Response> answer : answers) {
        Response r = answer.get();
        assertEquals(202, r.statusCode(), r.asString());
        ids.add(r.jsonPath().getLong("id"));
      }
      assertEquals(1, ids.stream().distinct().count(), "one job for all: " + ids);
      assertEquals(1, sql.count("job"));
      assertEquals(1, sql.count("submission_key"));
    } finally {
      pool.shutdownNow();
    }
  }

  private static Response submit(String token, String key, String body) {
    var request =
        given().header("Authorization", "Bearer " + token).contentType("application/json");
    if (key != null) {
      request = request.header("Idempotency-Key", key);
    }
    return request.body(body).post("/api/v1/jobs");
  }
}
