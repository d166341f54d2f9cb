package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.ItPostgres;
import dev.unclipstudio.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The database lost at the worst moment for a job: while its worker stores the images. The packaged
 * studio keeps the images it made, stores them once the database answers again, and the job ends
 * SUCCEEDED with exactly one image set — not FAILED ("Could not store the results", found by
 * bench/drill.sh), not twice. To catch the worker inside that transaction the test holds a lock on
 * the image table, so the worker's first image insert waits where the test can see it.
 */
class StoringDuringOutageIT {

  /** Where the worker waits while the test holds the image table. */
  private static final String STORING =
      "pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO image %'";

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
  void resultsBeingStoredWhenTheDatabaseGoesAwayAreStoredOnceItIsBack() throws Exception {
    Path dataDir = Files.createTempDirectory("pg-storing");
    int port = ItPostgres.freePort();
    pg = ItPostgres.restartable(dataDir, port);
    studio = startStudio(pg.getJdbcUrl("postgres", "postgres"));
    Sql sql = new Sql(pg.getPostgresDatabase());
    Await.untilIgnoringErrors(
        Duration.ofSeconds(90),
        () ->
            sql.count("worker WHERE state = 'RUNNING'") > 0
                && sql.count("app_user WHERE username = 'admin'") == 1);
    long admin = sql.number("SELECT id FROM app_user WHERE username = 'admin'");

    // 1. The worker's own connection is cut, the server stays up: what the drill met.
    Connection lock = lockImages();
    long cut = queue(sql, admin, "cut");
    Await.until(Duration.ofSeconds(120), () -> sql.count(STORING) == 1);
    sql.execute("SELECT pg_terminate_backend(pid) FROM " + STORING);
    lock.rollback();
    lock.close();
    assertSucceededOnce(sql, cut);
    assertEquals(
        1, sql.number("SELECT attempts FROM job WHERE id = " + cut), "stored, not made again");

    // 2. PostgreSQL stopped and started while the worker stores.
    lock = lockImages();
    long restarted = queue(sql, admin, "restart");
    Await.until(Duration.ofSeconds(120), () -> sql.count(STORING) == 1);
    pg.close(); // a fast shutdown: every session ends, the test's lock with it
    lock.close();
    pg = ItPostgres.restartable(dataDir, port);
    Sql again = new Sql(pg.getPostgresDatabase());
    assertSucceededOnce(again, restarted);

    // 3. The worker goes on, without a restart of the studio.
    assertSucceededOnce(again, queue(again, admin, "after"));
    assertTrue(studio.isAlive(), "the studio must survive");
    assertEquals(0, again.count("job WHERE status = 'FAILED'"));
  }

  /** The image table locked against inserts, in a transaction left open for the caller. */
  private static Connection lockImages() throws SQLException {
    Connection c = pg.getPostgresDatabase().getConnection();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE image IN SHARE MODE");
    }
    return c;
  }

  private static long queue(Sql sql, long owner, String prompt) {
    long id =
        sql.number(
            """
            INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
            VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED', '{"prompt":"%s","seeds":[7,8],"decoderSteps":10}',
                    '%s', 2, 3, 'tiny', 'x')
            RETURNING id"""
                .formatted(owner, prompt, prompt));
    sql.execute("NOTIFY job_queued");
    return id;
  }

  /** Ended SUCCEEDED without an error, with its two images stored once each. */
  private static void assertSucceededOnce(Sql sql, long job) {
    Await.untilIgnoringErrors(
        Duration.ofSeconds(180),
        () ->
            sql.count("job WHERE id = %d AND status IN ('SUCCEEDED', 'FAILED')".formatted(job))
                == 1);
    assertNull(sql.string("SELECT error FROM job WHERE id = " + job), "job " + job + " error");
    assertEquals("SUCCEEDED", sql.string("SELECT status FROM job WHERE id = " + job));
    assertEquals(2, sql.count("image WHERE job_id = " + job));
    assertEquals(
        2, sql.number("SELECT count(DISTINCT index_in_job) FROM image WHERE job_id = " + job));
    assertEquals(
        2, sql.count("image_data d JOIN image i ON i.id = d.image_id WHERE i.job_id = " + job));
  }

  private static Process startStudio(String jdbcUrl) throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
            "-Dquarkus.datasource.username=postgres",
            "-Dquarkus.http.port=" + ItPostgres.freePort(),
            "-Dquarkus.management.port=" + ItPostgres.freePort(),
            "-Dstudio.packs=" + Path.of("models/tiny").toAbsolutePath(),
            "-Dstudio.accounts.admin-password=storing-test-admin",
            // Long enough that the stored results, not a rescue, end the job after the restart.
            "-Dstudio.queue.lease=60s",
            "-Dstudio.worker.intra-op-threads=1",
            "-Dstudio.worker.poll-interval=500ms",
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", "storing-outage.log").toFile())
        .start();
  }
}
