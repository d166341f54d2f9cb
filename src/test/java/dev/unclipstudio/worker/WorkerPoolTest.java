package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers running the real engine on the tiny pack, end to end through the pages. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class WorkerPoolTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject WorkerPool pool;
  @Inject JobQueue queue;
  @Inject WorkerRegistry registry;
  @Inject MeterRegistry meters;

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
  void signUpSubmitWatchProgressAndFindTheImageInTheGallery() throws Exception {
    pool.start();
    WebClient browser = WebClient.anonymous();
    assertEquals(
        303,
        browser
            .post("/signup", Map.of("username", "painter", "password", "paint all day"))
            .statusCode());
    Response submitted =
        browser.post(
            "/jobs",
            Map.of(
                "prompt",
                "a small red circle in the top left corner",
                "images",
                "2",
                "seed",
                "1234"));
    assertEquals(303, submitted.statusCode(), submitted.asString());
    String jobPath = java.net.URI.create(submitted.header("Location")).getPath();
    long jobId = Long.parseLong(jobPath.substring("/jobs/".length()));

    Await.until(Duration.ofSeconds(120), () -> "SUCCEEDED".equals(data.status(jobId)));
    String events = browser.get(jobPath + "/events").asString();
    assertTrue(events.contains("\"status\":\"SUCCEEDED\""), events);

    String page = browser.get(jobPath).asString();
    long imageId =
        sql.number("SELECT id FROM image WHERE job_id = " + jobId + " AND index_in_job = 0");
    assertTrue(page.contains("/images/" + imageId + "/thumb.png"), page);
    assertEquals(2, sql.count("image WHERE job_id = " + jobId));
    assertEquals(
        "1235",
        sql.string("SELECT seed FROM image WHERE job_id = " + jobId + " AND index_in_job = 1"));

    byte[] png = browser.get("/images/" + imageId + ".png").asByteArray();
    Map<String, String> text = PngCodec.readText(png);
    assertEquals("a small red circle in the top left corner", text.get("prompt"));
    assertEquals("1234", text.get("seed"));

    browser.post("/images/" + imageId + "/visibility", Map.of("visibility", "SHARED"));
    assertTrue(
        browser
            .get("/gallery?q=red+circle")
            .asString()
            .contains("/images/" + imageId + "/thumb.png"));
    assertTrue(sql.number("SELECT images_done FROM worker") >= 2);
  }

  @Test
  void aJobQueuedWithoutNotificationIsFoundByPolling() throws Exception {
    pool.start();
    CurrentUser user = data.user("silent");
    data.rawJob(user, "a blue square", "{\"prompt\":\"a blue square\",\"seeds\":[5]}", 1);
    Await.until(Duration.ofSeconds(60), () -> sql.count("job WHERE status = 'SUCCEEDED'") == 1);
  }

  @Test
  void cancellingARunningJobStopsItPartWayAndStoresNothing() throws Exception {
    pool.start();
    CurrentUser user = data.user("impatient");
    long id =
        data.rawJob(
            user,
            "a green star",
            "{\"prompt\":\"a green star\",\"seeds\":[1,2,3,4],\"decoderSteps\":1000}",
            4);
    queue.notifyQueued();
    Await.until(
        Duration.ofSeconds(60), () -> sql.count("job WHERE status = 'RUNNING' AND step > 0") == 1);
    queue.cancel(id);
    Await.until(Duration.ofSeconds(10), () -> "CANCELLED".equals(data.status(id)));
    // Its worker ended it part way: the step it reached is kept and progress is short of 1. A
    // worker that ignored
    // the request would run all four images, and the job would end only through the reaper, which
    // clears the step.
    assertEquals(1, sql.count("job WHERE id = " + id + " AND step IS NOT NULL AND progress < 1"));
    assertEquals(0, sql.count("image"));
  }

  @Test
  void aFailedJobFailsAloneAndTheWorkerTakesTheNext() throws Exception {
    pool.start();
    CurrentUser user = data.user("unlucky");
    data.rawJob(user, "bad", "{\"prompt\":\"bad\",\"seeds\":[1],\"priorSteps\":-3}", 1);
    data.rawJob(user, "good", "{\"prompt\":\"good\",\"seeds\":[1]}", 1);
    queue.notifyQueued();
    Await.until(
        Duration.ofSeconds(60),
        () -> "SUCCEEDED".equals(sql.string("SELECT status FROM job WHERE prompt = 'good'")));
    assertEquals("FAILED", sql.string("SELECT status FROM job WHERE prompt = 'bad'"));
    assertTrue(sql.string("SELECT error FROM job WHERE prompt = 'bad'").length() > 0);
  }

  @Test
  void shutdownGivesARunningJobBackWithoutSpendingAnAttempt() throws Exception {
    pool.start();
    CurrentUser user = data.user("late");
    long id =
        data.rawJob(
            user,
            "endless",
            "{\"prompt\":\"endless\",\"seeds\":[1,2,3,4,5,6,7,8],\"decoderSteps\":1000,\"priorSteps\":1000}",
            8);
    queue.notifyQueued();
    Await.until(Duration.ofSeconds(60), () -> "RUNNING".equals(data.status(id)));
    pool.stop();
    assertEquals("QUEUED", data.status(id));
    assertEquals(0, sql.number("SELECT attempts FROM job WHERE id = " + id));
    assertEquals("STOPPED", sql.string("SELECT string_agg(DISTINCT state, ',') FROM worker"));
  }

  @Test
  void anAdminPausesAndResumesThisInstancesWorkers() throws Exception {
    pool.start();
    String instance = sql.string("SELECT instance FROM worker LIMIT 1");
    double pausedLooks = pausedPolls();
    registry.command(instance, WorkerState.PAUSED);
    // The worker itself has seen the pause, so no claim begun before it can land on the job below.
    Await.until(Duration.ofSeconds(10), () -> pausedPolls() > pausedLooks);
    long id = data.textJob(data.user("paused"), "waits while paused");
    double looks = polls();
    // Two more looks: the first may have begun before the job was queued, the second surely began
    // after. A worker
    // that claims while paused takes the job on that look, as it is the only one queued.
    Await.until(Duration.ofSeconds(10), () -> polls() >= looks + 2);
    assertEquals("QUEUED", data.status(id), "a paused worker must not claim");
    registry.command(instance, WorkerState.RUNNING);
    Await.until(Duration.ofSeconds(60), () -> "SUCCEEDED".equals(data.status(id)));
  }

  @Test
  void aBrokenPackMarksTheWorkersUnhealthyAndJobsWaitForAHealthyWorker() throws Exception {
    Path broken = Files.createTempDirectory("broken-pack");
    Files.writeString(broken.resolve("pack.json"), "{\"format\": 1, \"name\": \"broken\"");
    pool.start(broken);
    assertEquals(WorkerState.UNHEALTHY, pool.state());
    assertTrue(pool.health().contains("pack.json"), pool.health());
    // Workers are registered before their thread starts: an UNHEALTHY row alone means no worker
    // here can claim.
    assertEquals("UNHEALTHY", sql.string("SELECT string_agg(DISTINCT state, ',') FROM worker"));
    long id = data.textJob(data.user("waiting"), "a red ring");
    assertEquals("QUEUED", data.status(id));
    pool.start();
    Await.until(Duration.ofSeconds(60), () -> "SUCCEEDED".equals(data.status(id)));
    assertEquals(
        1,
        sql.number("SELECT attempts FROM job WHERE id = " + id),
        "only the healthy worker ran it");
  }

  @Test
  void aPackMissingAModelFileNamesTheFile() throws Exception {
    Path copy = Files.createTempDirectory("pack-without-decoder");
    try (var files = Files.walk(Path.of("models/tiny"))) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(Path.of("models/tiny").relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!source.getFileName().toString().equals("decoder.onnx")) {
          Files.copy(source, target);
        }
      }
    }
    pool.start(copy);
    assertEquals(WorkerState.UNHEALTHY, pool.state());
    assertTrue(pool.health().contains("decoder.onnx"), pool.health());
  }

  /** Times this JVM's workers looked for work, whatever they found (the studio's own metric). */
  private double polls() {
    return meters.find("studio.worker.polls").counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Times they looked and found themselves paused. */
  private double pausedPolls() {
    return meters.find("studio.worker.polls").tag("outcome", "paused").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
