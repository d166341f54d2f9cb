package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.JobService;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.Fixtures;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pack the workers cannot open is reported and waits; the other packs keep working. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class WorkerPacksTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject WorkerPool pool;
  @Inject JobService jobs;

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
  void aPackWithACorruptModelIsDownWithTheReasonAndItsJobsWaitWhileTheOthersRun() throws Exception {
    Path corrupt = corruptCopyOfTheTinyPack("tiny-corrupt");
    pool.start(Fixtures.TINY_PACK, corrupt);

    assertEquals(WorkerState.RUNNING, pool.state());
    PackState down = state("tiny-corrupt");
    assertTrue(!down.up() && down.problem().startsWith("cannot be loaded: "), down.toString());
    assertTrue(down.problem().contains("decoder.onnx"), down.problem());
    assertTrue(state("tiny").up());

    CurrentUser user = data.user("patient");
    long waiting = data.textJob(user, "for the corrupt pack");
    sql.execute("UPDATE job SET pack_name = 'tiny-corrupt' WHERE id = " + waiting);
    long runs = data.textJob(user, "a red ring");
    Await.until(Duration.ofSeconds(60), () -> "SUCCEEDED".equals(data.status(runs)));
    assertEquals("QUEUED", data.status(waiting));
    String note = jobs.visible(waiting, user).orElseThrow().queueNote();
    assertTrue(
        note.startsWith("No running worker has the model pack tiny-corrupt open"),
        String.valueOf(note));
    assertTrue(note.contains("decoder.onnx"), note);
  }

  private PackState state(String pack) {
    return pool.packStates().stream().filter(s -> s.pack().equals(pack)).findFirst().orElseThrow();
  }

  /** The tiny pack under another name, with a decoder that is not an ONNX model. */
  private static Path corruptCopyOfTheTinyPack(String name) throws Exception {
    Path copy = Files.createTempDirectory("corrupt-pack");
    try (var files = Files.walk(Fixtures.TINY_PACK)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(Fixtures.TINY_PACK.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Files.writeString(copy.resolve("decoder.onnx"), "not a model");
    Path manifest = copy.resolve("pack.json");
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("\"name\": \"tiny\"", "\"name\": \"" + name + "\""));
    return copy;
  }
}
