package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker process killed with SIGKILL in the middle of a job: another instance rescues the job once its lease
 * expires and finishes it, with exactly one set of images. Runs the packaged application (failsafe, after
 * {@code package}) against a real PostgreSQL, as two real processes.
 */
class CrashRecoveryIT {

  private static EmbeddedPostgres pg;
  private static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startDatabase() throws Exception {
    pg = EmbeddedPostgres.builder().start();
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
    Await.until(Duration.ofSeconds(90), () -> count("SELECT count(*) FROM worker WHERE state = 'RUNNING'") > 0
        && count("SELECT count(*) FROM app_user WHERE username = 'admin'") == 1);
    long userId = count("SELECT id FROM app_user WHERE username = 'admin'");
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      // Many decoder steps, so that the job is surely still running when the process is killed.
      s.execute("""
          INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
          VALUES (%d, 'TEXT_TO_IMAGE', 'QUEUED',
                  '{"prompt":"a red circle","seeds":[1,2],"decoderSteps":250}', 'a red circle', 2, 3, 'tiny', 'x')
          """.formatted(userId));
      s.execute("NOTIFY job_queued");
    }
    Await.until(Duration.ofSeconds(60), () -> count("SELECT count(*) FROM job WHERE status = 'RUNNING' AND step > 0") == 1);
    first.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook, no release of the job

    assertEquals("RUNNING", string("SELECT status FROM job"));
    startInstance("second");
    Await.until(Duration.ofSeconds(120), () -> "SUCCEEDED".equals(string("SELECT status FROM job")));

    assertEquals(2, count("SELECT attempts FROM job"));
    assertEquals(2, count("SELECT count(*) FROM image"));
    assertEquals(2, count("SELECT count(DISTINCT index_in_job) FROM image"));
    assertEquals(2, count("SELECT count(*) FROM image_data"));
  }

  private static Process startInstance(String name) throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    Path log = Path.of("target", "crash-" + name + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquarkus.datasource.jdbc.url=" + pg.getJdbcUrl("postgres", "postgres"),
        "-Dquarkus.datasource.username=postgres",
        "-Dquarkus.http.port=0",
        "-Dstudio.pack=" + Path.of("models/tiny").toAbsolutePath(),
        "-Dstudio.accounts.admin-password=crash-test-admin",
        "-Dstudio.queue.lease=4s",
        "-Dstudio.queue.reaper-interval=1s",
        "-Dstudio.queue.retry-backoff=0s",
        "-Dstudio.worker.instance-name=" + name,
        "-Dstudio.worker.intra-op-threads=1",
        "-Dstudio.worker.poll-interval=500ms",
        "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static long count(String sql) {
    String value = string(sql);
    return value == null ? -1 : Long.parseLong(value);
  }

  private static String string(String sql) {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (Exception e) {
      return null;   // the schema appears once the first instance has migrated it
    }
  }
}
