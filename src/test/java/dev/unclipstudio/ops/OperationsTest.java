package dev.unclipstudio.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class OperationsTest {

  @Inject TestData data;

  @Test
  void healthReportsDatabasePackAndWorkers() {
    given()
        .get("/q/health")
        .then()
        .statusCode(200)
        .body(containsString("\"model-pack\""))
        .body(containsString("\"workers\""))
        .body(containsString("Database connections health check"));
  }

  @Test
  void prometheusMetricsShowTheQueue() {
    data.reset();
    data.textJob(data.user("metrics"), "counted");
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("studio_jobs{status=\"QUEUED\"}"))
        .body(containsString("studio_queue_oldest_wait_seconds"))
        .body(containsString("studio_workers"));
  }
}
