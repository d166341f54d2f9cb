package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker process killed with SIGKILL in the middle of a job: another instance rescues the job
 * once its lease expires and finishes it, with exactly one set of images. Runs the packaged
 * application (failsafe, after {@code package}) against a real PostgreSQL, as two real processes.
 */
class CrashRecoveryIT {

  private static EmbeddedPostgres pg;
  private static Sql sql;
  private static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startDatabase() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    sql = new Sql(pg.getPostgresDatabase());
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor();
    }
    pg.close();
  }

  @Test
  void aJobWhoseWorkerIsKilledIsRescuedAndFinishesExactlyOnce() throws Exception {
    Process first = startInstance("first");
    // The schema appears once the first instance has migrated it.
    Await.untilIgnoringErrors(
        Duration.ofSeconds(90),
        () ->
            sql.count("worker WHERE state = 'RUNNING'") > 0
                && sql.count("app_user WHERE username = 'admin'") == 1);
    long userId = sql.number("SELECT id FROM app_user WHERE username = 'admin'");
    // Many decoder steps, so that the job is surely still running when the process is killed.
    sql.execute(
        """
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
        VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED',
                '{"prompt":"a red circle","seeds":[1,2],"decoderSteps":250}', 'a red circle', 2, 3, 'tiny', 'x')
        """
            .formatted(userId),
        "NOTIFY job_queued");
    Await.until(
        Duration.ofSeconds(60), () -> sql.count("job WHERE status = 'RUNNING' AND step > 0") == 1);
    first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no release of the job

    assertEquals("RUNNING", sql.string("SELECT status FROM job"));
    startInstance("second");
    Await.until(
        Duration.ofSeconds(120), () -> "SUCCEEDED".equals(sql.string("SELECT status FROM job")));

    assertEquals(2, sql.number("SELECT attempts FROM job"));
    assertEquals(2, sql.count("image"));
    assertEquals(2, sql.number("SELECT count(DISTINCT index_in_job) FROM image"));
    assertEquals(2, sql.count("image_data"));
  }

  private static Process startInstance(String name) throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    Path log = Path.of("target", "crash-" + name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.datasource.jdbc.url=" + pg.getJdbcUrl("postgres", "postgres"),
                "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0",
                "-Dstudio.packs=" + Path.of("models/tiny").toAbsolutePath(),
                "-Dstudio.accounts.admin-password=crash-test-admin",
                "-Dstudio.queue.lease=4s",
                "-Dstudio.queue.reaper-interval=1s",
                "-Dstudio.queue.retry-backoff=0s",
                "-Dstudio.worker.instance-name=" + name,
                "-Dstudio.worker.intra-op-threads=1",
                "-Dstudio.worker.poll-interval=500ms",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }
}
