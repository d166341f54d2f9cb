package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.ItPostgres;
import dev.unclipstudio.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped while the packaged studio serves (issue 14, point 9: a plain-text 500 after
 * about 2 s, no JSON for the API). A page answers 503 with the studio's own error page, navigation
 * included, and the API 503 problem details with {@code Retry-After}, each within seconds. Both
 * requests carry a valid sign-in, so the database fails where the session and the token are looked
 * up, before any page or exception mapper of the studio runs. Once the database is back, the same
 * requests succeed, from the same studio process.
 */
class DatabaseOutageIT {

  private static final String TOKEN = "ucs_database_outage_test";
  private static final String SESSION = "database-outage-test-session";
  private static final Path LOG = Path.of("target", "db-outage.log");

  /** What "quickly" means for an answer during the outage. */
  private static final Duration QUICKLY = Duration.ofSeconds(5);

  private static EmbeddedPostgres pg;
  private static Process studio;

  @AfterAll
  static void stopAll() throws Exception {
    if (studio != null) {
      studio.destroyForcibly().waitFor();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void anUnreachableDatabaseIsA503PageAndProblemQuicklyAndTheStudioRecoversWithoutARestart()
      throws Exception {
    Path dataDir = Files.createTempDirectory("pg-outage");
    int port = ItPostgres.freePort();
    int httpPort = ItPostgres.freePort();
    int managementPort = ItPostgres.freePort();
    pg = ItPostgres.restartable(dataDir, port);
    Sql sql = new Sql(pg.getPostgresDatabase());
    studio = startStudio(pg.getJdbcUrl("postgres", "postgres"), httpPort, managementPort);
    Await.untilIgnoringErrors(
        Duration.ofSeconds(120),
        () -> send(get(managementPort, "/q/health/ready")).statusCode() == 200);
    sql.execute(
        "INSERT INTO app_user (username, password_hash, role) VALUES ('outage', '!', 'USER')",
        """
        INSERT INTO api_token (user_id, name, token_hash)
        SELECT id, 'test', encode(sha256(convert_to('%s', 'UTF8')), 'hex')
        FROM app_user WHERE username = 'outage'"""
            .formatted(TOKEN),
        """
        INSERT INTO user_session (token_hash, user_id)
        SELECT encode(sha256(convert_to('%s', 'UTF8')), 'hex'), id
        FROM app_user WHERE username = 'outage'"""
            .formatted(SESSION));
    HttpRequest page = get(httpPort, "/jobs").header("Cookie", "studio_session=" + SESSION).build();
    HttpRequest api =
        get(httpPort, "/api/v1/jobs").header("Authorization", "Bearer " + TOKEN).build();
    assertEquals(200, send(page).statusCode(), "signed in before the outage");
    assertEquals(200, send(api).statusCode(), "signed in before the outage");

    pg.close(); // a fast shutdown: the studio's pooled connections are cut, new ones refused

    HttpResponse<String> outagePage = sendQuickly(page);
    assertEquals(503, outagePage.statusCode(), outagePage.body());
    assertTrue(
        outagePage.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        outagePage.headers().toString());
    assertTrue(outagePage.body().contains("<nav aria-label=\"Main\">"), "the studio's layout");
    assertTrue(outagePage.body().contains("database cannot be reached"), outagePage.body());
    assertTrue(outagePage.headers().firstValue("Retry-After").isPresent(), "Retry-After");

    HttpResponse<String> outageApi = sendQuickly(api);
    assertEquals(503, outageApi.statusCode(), outageApi.body());
    assertEquals(
        "application/problem+json",
        outageApi.headers().firstValue("Content-Type").orElse(""),
        outageApi.headers().toString());
    assertTrue(outageApi.body().contains("\"status\":503"), outageApi.body());
    assertTrue(outageApi.body().contains("database cannot be reached"), outageApi.body());
    assertTrue(outageApi.headers().firstValue("Retry-After").isPresent(), "Retry-After");
    // both failed where the sign-in is looked up, before any resource of the studio ran
    String log = Files.readString(LOG);
    assertTrue(log.contains("database unreachable: Could not read the session store"), "session");
    assertTrue(log.contains("database unreachable: Could not check an API token"), "API token");

    pg = ItPostgres.restartable(dataDir, port); // back on the same address with the same data
    Await.untilIgnoringErrors(Duration.ofSeconds(60), () -> send(page).statusCode() == 200);
    assertEquals(200, send(api).statusCode(), "the API answers again");
    assertTrue(studio.isAlive(), "the same studio, not restarted");
  }

  /** Sends the request during the outage: it must be answered within {@link #QUICKLY}. */
  private static HttpResponse<String> sendQuickly(HttpRequest request) {
    long start = System.nanoTime();
    HttpResponse<String> response = send(request);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(
        took.compareTo(QUICKLY) < 0,
        request.uri().getPath() + " took " + took.toMillis() + " ms with the database down");
    return response;
  }

  private static HttpRequest.Builder get(int port, String path) {
    // longer than QUICKLY, so that a slow answer is measured rather than cut off
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request.build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("the studio did not answer " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Process startStudio(String jdbcUrl, int httpPort, int managementPort)
      throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
            "-Dquarkus.datasource.username=postgres",
            "-Dquarkus.http.port=" + httpPort,
            "-Dquarkus.management.port=" + managementPort,
            "-Dstudio.packs=" + Path.of("models/tiny").toAbsolutePath(),
            "-Dstudio.accounts.admin-password=outage-test-admin",
            // The web side alone: what is measured is how requests are answered
            "-Dstudio.roles.worker=false",
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(LOG.toFile())
        .start();
  }
}
