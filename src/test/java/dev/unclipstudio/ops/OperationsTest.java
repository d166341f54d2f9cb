package dev.unclipstudio.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class OperationsTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject QueueMetrics metrics;

  /** The management interface's root ({@code /q} on its own port). */
  @TestHTTPResource(value = "/", management = true)
  URL management;

  private String managementPath(String path) {
    return management.toString().replaceAll("/+$", "") + path;
  }

  @Test
  void healthAndMetricsAreServedOnTheManagementPortOnly() {
    int publicPort = RestAssured.port;
    assertNotEquals(publicPort, management.getPort(), "the management interface has its own port");
    given().get(managementPath("/metrics")).then().statusCode(200);
    given().get(managementPath("/health/ready")).then().statusCode(200);
    given().get(managementPath("/health/live")).then().statusCode(200);
    given().get(managementPath("/health/started")).then().statusCode(200); // Kubernetes' probes
    given().get("/q/metrics").then().statusCode(404);
    given().get("/q/health").then().statusCode(404);
    // the API's description is for API users: it stays on the public port
    given().get("/q/openapi").then().statusCode(200);
    given().get(managementPath("/openapi")).then().statusCode(404);
  }

  @Test
  void healthReportsDatabasePackAndWorkers() {
    given()
        .get(managementPath("/health"))
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
        .get(managementPath("/metrics"))
        .then()
        .statusCode(200)
        .body(containsString("studio_jobs{status=\"QUEUED\"}"))
        .body(containsString("studio_jobs_active"))
        .body(containsString("studio_queue_oldest_wait_seconds"))
        .body(containsString("studio_workers"));
  }

  @Test
  void workersWithoutAHeartbeatForLongerThanTheLeaseCountAsLostNotRunning() {
    data.reset();
    sql.execute(
        "INSERT INTO worker (name, instance, device, state) VALUES"
            + " ('killed/cpu/0', 'killed', 'cpu', 'RUNNING'),"
            + " ('killed/cpu/1', 'killed', 'cpu', 'PAUSED'),"
            + " ('alive/cpu/0', 'alive', 'cpu', 'RUNNING'),"
            + " ('done/cpu/0', 'done', 'cpu', 'STOPPED')",
        // the lease is 60 s: as if the instance had been killed 75 s ago; a stopped worker does not
        // beat and stays STOPPED
        "UPDATE worker SET heartbeat_at = now() - interval '75 seconds' WHERE instance <> 'alive'");
    Map<String, Double> figures = metrics.read();
    assertEquals(1.0, figures.get("workers.RUNNING"));
    assertEquals(2.0, figures.get("workers.LOST"));
    assertEquals(1.0, figures.get("workers.STOPPED"));
    assertEquals(null, figures.get("workers.PAUSED"));
    given()
        .get(managementPath("/metrics"))
        .then()
        .statusCode(200)
        .body(containsString("studio_workers{state=\"LOST\"}"));
  }
}
