package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobInputs;
import dev.unclipstudio.job.JobKind;
import dev.unclipstudio.job.JobParams;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.Lease;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.Fixtures;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers take compatible jobs together (studio.worker.batch-images, 4 by default) and run them as
 * one engine batch on the tiny pack: each job still gets its own images, progress, cancellation and
 * failure.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class BatchedJobsTest {

  private static final String FEW_STEPS = "\"priorSteps\":3,\"decoderSteps\":3";

  @Inject TestData data;
  @Inject Sql sql;
  @Inject WorkerPool pool;
  @Inject JobQueue queue;
  @Inject JobInputs inputs;
  @Inject ObjectMapper json;
  @Inject DataSource dataSource;

  @BeforeEach
  void clean() {
    pool.stop();
    data.reset();
  }

  @AfterEach
  void stop() {
    pool.stop();
  }

  @Test
  void threeCompatibleJobsRunAsOneBatchAndStoreThePngBytesEachGetsAlone() throws Exception {
    CurrentUser a = data.user("batched");
    CurrentUser b = data.user("batched");
    List<Long> ids =
        List.of(
            job(a, "a red circle in the top left corner", "[7]"),
            job(b, "two blue squares", "[8,9]"),
            job(a, "a green triangle", "[7]"));
    pool.start();
    Await.until(
        Duration.ofSeconds(120), () -> sql.count("job WHERE status = 'SUCCEEDED'") == ids.size());
    assertEquals(
        1,
        sql.number("SELECT count(DISTINCT started_at) FROM job"),
        "one claim took all three jobs");

    JobRunner alone = new JobRunner(json, new Thumbnails(), inputs);
    try (Engine engine = Fixtures.openTinyEngine()) {
      for (long id : ids) {
        ClaimedJob job = claimedAgain(id);
        List<ResultImage> expected =
            alone.run(job, engine, StepListener.NONE, CancellationToken.NEVER);
        List<byte[]> stored = storedPngs(id);
        assertEquals(expected.size(), stored.size());
        for (int i = 0; i < stored.size(); i++) {
          assertArrayEquals(expected.get(i).png(), stored.get(i), "job " + id + " image " + i);
        }
      }
    }
  }

  @Test
  void cancellingOneJobOfABatchEndsItWithinAStepWhileTheOthersFinish() throws Exception {
    CurrentUser a = data.user("batched");
    String steps = "\"priorSteps\":3,\"decoderSteps\":200";
    long first = data.rawJob(a, "first", params("first", "[1]", steps), 1);
    long cancelled = data.rawJob(a, "cancelled", params("cancelled", "[2]", steps), 1);
    long last = data.rawJob(a, "last", params("last", "[3]", steps), 1);
    pool.start();
    Await.until(
        Duration.ofSeconds(60),
        () -> sql.count("job WHERE status = 'RUNNING' AND stage = 'decoder' AND step > 0") == 3);
    queue.cancel(cancelled);
    Await.until(Duration.ofSeconds(10), () -> "CANCELLED".equals(data.status(cancelled)));
    assertEquals(
        2, sql.count("job WHERE status = 'RUNNING' AND id IN (" + first + "," + last + ")"));
    Await.until(
        Duration.ofSeconds(180),
        () ->
            sql.count("job WHERE status = 'SUCCEEDED' AND id IN (" + first + "," + last + ")")
                == 2);
    assertEquals(0, sql.count("image WHERE job_id = " + cancelled));
    assertEquals(1, sql.count("job WHERE id = " + cancelled + " AND progress < 1"));
  }

  @Test
  void aJobThatFailsInABatchFailsAloneAndTheOthersSucceed() throws Exception {
    CurrentUser a = data.user("batched");
    long good = job(a, "good", "[1]");
    // no prompt: the request cannot be made, so the batch cannot start; each job then runs alone
    long bad = data.rawJob(a, "bad", "{\"seeds\":[2]," + FEW_STEPS + "}", 1);
    long alsoGood = job(a, "also good", "[3]");
    pool.start();
    Await.until(
        Duration.ofSeconds(120),
        () -> sql.count("job WHERE status IN ('SUCCEEDED', 'FAILED')") == 3);
    assertEquals("SUCCEEDED", data.status(good));
    assertEquals("SUCCEEDED", data.status(alsoGood));
    assertEquals("FAILED", data.status(bad));
    assertTrue(sql.string("SELECT error FROM job WHERE id = " + bad).contains("prompt"));
    assertEquals(1, sql.number("SELECT count(DISTINCT started_at) FROM job"));
  }

  private long job(CurrentUser owner, String prompt, String seeds) {
    return data.rawJob(owner, prompt, params(prompt, seeds, FEW_STEPS), seeds.split(",").length);
  }

  private static String params(String prompt, String seeds, String steps) {
    return "{\"prompt\":\"" + prompt + "\",\"seeds\":" + seeds + "," + steps + "}";
  }

  /** The job as a claim hands it to a worker (the lease is not used by the runner). */
  private ClaimedJob claimedAgain(long id) throws Exception {
    JobParams params =
        json.readValue(
            sql.string("SELECT params::text FROM job WHERE id = " + id), JobParams.class);
    return new ClaimedJob(
        new Lease(id, UUID.randomUUID(), "alone"),
        0,
        JobKind.TEXT_TO_IMAGE,
        "tiny",
        params,
        1,
        Duration.ZERO);
  }

  private List<byte[]> storedPngs(long jobId) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.png FROM image i JOIN image_data d ON d.image_id = i.id"
                    + " WHERE i.job_id = ? ORDER BY i.index_in_job")) {
      ps.setLong(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        List<byte[]> pngs = new java.util.ArrayList<>();
        while (rs.next()) {
          pngs.add(rs.getBytes(1));
        }
        return pngs;
      }
    }
  }
}
