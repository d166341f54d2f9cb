package dev.unclipstudio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The zero-set-up default, as a user runs it: the packaged studio with no datasource configured
 * starts its own PostgreSQL under the data directory, becomes healthy, and finds its data again
 * after a restart.
 */
class EmbeddedDatabaseIT {

  private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

  @Test
  void startsItsOwnDatabaseAndKeepsItsDataAcrossRestarts() throws Exception {
    Path dataDir = Files.createTempDirectory("studio-data");
    Path firstLog = Path.of("target", "embedded-first.log");
    Process first = start(dataDir, firstLog);
    try {
      int port = awaitPort(firstLog);
      assertEquals(200, get(port, "/q/health"));
      assertEquals(200, get(port, "/login"));
      assertTrue(
          Files.readString(firstLog).contains("one-time password"),
          "the first start creates the admin");
    } finally {
      stop(first);
    }
    assertTrue(
        Files.isDirectory(dataDir.resolve("postgres")),
        "the database lives under the data directory");

    Path secondLog = Path.of("target", "embedded-second.log");
    Process second = start(dataDir, secondLog);
    try {
      int port = awaitPort(secondLog);
      assertEquals(200, get(port, "/q/health"));
      assertFalse(
          Files.readString(secondLog).contains("one-time password"),
          "the admin was kept, not made again");
    } finally {
      stop(second);
    }
  }

  private static Process start(Path dataDir, Path log) throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dstudio.data-dir=" + dataDir,
            "-Dquarkus.http.port=0",
            "-Dstudio.pack=" + Path.of("models/tiny").toAbsolutePath(),
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static int awaitPort(Path log) {
    int[] port = {0};
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          try {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
              port[0] = Integer.parseInt(m.group(1));
            }
          } catch (java.io.IOException e) {
            return false;
          }
          return port[0] > 0;
        });
    return port[0];
  }

  private static int get(int port, String path) throws Exception {
    HttpResponse<Void> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  /**
   * SIGTERM, as a user's Ctrl-C or a service manager would: the studio stops its database with it.
   */
  private static void stop(Process process) throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
