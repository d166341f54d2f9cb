package dev.unclipstudio.worker;

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
 * PostgreSQL restarted under load: the packaged studio keeps running, and every queued job ends
 * SUCCEEDED exactly once with one set of images — none is lost, none is doubled.
 */
class DatabaseRestartIT {

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
  void jobsSurviveADatabaseRestart() throws Exception {
    Path dataDir = Files.createTempDirectory("pg-restart");
    int port = ItPostgres.freePort();
    int httpPort = ItPostgres.freePort();
    int managementPort = ItPostgres.freePort();
    pg = ItPostgres.restartable(dataDir, port);
    Sql sql = new Sql(pg.getPostgresDatabase());
    studio = startStudio(pg.getJdbcUrl("postgres", "postgres"), httpPort, managementPort);
    // The schema appears once the studio has migrated it.
    Await.untilIgnoringErrors(
        Duration.ofSeconds(90),
        () ->
            sql.count("worker WHERE state = 'RUNNING'") > 0
                && sql.count("app_user WHERE username = 'admin'") == 1);
    long admin = sql.number("SELECT id FROM app_user WHERE username = 'admin'");
    for (int i = 0; i < 6; i++) {
      sql.execute(
          """
          INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
          VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED', '{"prompt":"job %d","seeds":[%d,%d],"decoderSteps":60}',
                  'job %d', 2, 5, 'tiny', 'x')"""
              .formatted(admin, i, i, i + 100, i));
    }
    sql.execute("NOTIFY job_queued");
    Await.until(Duration.ofSeconds(60), () -> sql.count("job WHERE status = 'RUNNING'") > 0);
    // Workers start claiming during start-up, before the HTTP servers listen: wait for the
    // management interface (health) to answer.
    Await.untilIgnoringErrors(Duration.ofSeconds(60), () -> readiness(managementPort) == 200);

    pg.close(); // the database goes away in the middle of the work
    // Back only once the studio has met the outage, not after a fixed pause: its connection pool,
    // which the workers share, fails the readiness check. (A worker's failed claim would be a poor
    // signal: with the database away, the job it is running takes minutes to reach its end.)
    Await.until(Duration.ofSeconds(60), () -> readiness(managementPort) == 503);
    pg =
        ItPostgres.restartable(
            dataDir, port); // and comes back on the same address with the same data

    Await.until(Duration.ofSeconds(240), () -> sql.count("job WHERE status = 'SUCCEEDED'") == 6);
    assertTrue(studio.isAlive(), "the studio must survive the restart");
    assertEquals(12, sql.count("image"));
    assertEquals(
        0, sql.count("(SELECT job_id FROM image GROUP BY job_id HAVING count(*) <> 2) uneven"));
    assertEquals(200, readiness(managementPort), "the studio is ready again");
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
            "-Dstudio.accounts.admin-password=restart-test-admin",
            "-Dstudio.queue.lease=5s",
            "-Dstudio.queue.reaper-interval=1s",
            "-Dstudio.queue.retry-backoff=0s",
            "-Dstudio.worker.intra-op-threads=1",
            "-Dstudio.worker.poll-interval=500ms",
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", "db-restart.log").toFile())
        .start();
  }

  /**
   * The studio's readiness status code: 200 when it can serve, 503 when a check (the database)
   * fails.
   */
  private static int readiness(int managementPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return HttpClient.newHttpClient()
          .send(request, HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("the studio did not answer on port " + managementPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the studio", e);
    }
  }
}
