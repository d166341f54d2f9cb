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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
  private static final Pattern MANAGEMENT =
      Pattern.compile("Management interface listening on http://[^:]+:(\\d+)");

  @Test
  void startsItsOwnDatabaseAndKeepsItsDataAcrossRestarts() throws Exception {
    Path dataDir = Files.createTempDirectory("studio-data");
    Path firstLog = Path.of("target", "embedded-first.log");
    Process first = start(dataDir, firstLog);
    try {
      int port = awaitPort(firstLog, LISTENING);
      assertEquals(200, get(awaitPort(firstLog, MANAGEMENT), "/q/health"));
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
      assertEquals(200, get(awaitPort(secondLog, MANAGEMENT), "/q/health"));
      assertFalse(
          Files.readString(secondLog).contains("one-time password"),
          "the admin was kept, not made again");
    } finally {
      stop(second);
    }
  }

  /**
   * The crash drill: kill -9 leaves the database running under the dead studio; starting the studio
   * again adopts it, on the same port, without stopping it under a client that is still using it.
   */
  @Test
  void aRestartAfterAKillAdoptsTheSurvivingDatabaseOnTheSamePort() throws Exception {
    Path dataDir = Files.createTempDirectory("studio-crash");
    Path firstLog = Path.of("target", "embedded-crash-first.log");
    Process first = start(dataDir, firstLog);
    int dbPort;
    try (Connection other = awaitDatabase(dataDir, firstLog)) {
      dbPort = Integer.parseInt(Files.readString(dataDir.resolve("embedded-db.port")).strip());
      first.destroyForcibly().waitFor();
      assertEquals(1, selectOne(other), "the database outlives the killed studio");

      Path secondLog = Path.of("target", "embedded-crash-second.log");
      Process second = start(dataDir, secondLog);
      try {
        assertEquals(200, get(awaitPort(secondLog, MANAGEMENT), "/q/health"));
        assertTrue(
            Files.readString(secondLog).contains("is still running on"), "adoption is logged");
        assertEquals(
            dbPort,
            Integer.parseInt(Files.readString(dataDir.resolve("embedded-db.port")).strip()),
            "the same port");
        assertEquals(1, selectOne(other), "the other client was never cut off");
      } finally {
        stop(second);
      }
      assertEquals(1, selectOne(other), "an adopted database is left running for its other users");
    } finally {
      stopOrphanedServer(dataDir);
    }
  }

  private static Connection awaitDatabase(Path dataDir, Path log) throws Exception {
    awaitPort(log, LISTENING); // the studio listens only once its database is up
    int port = Integer.parseInt(Files.readString(dataDir.resolve("embedded-db.port")).strip());
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
  }

  private static int selectOne(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The test's own clean-up: fast shutdown of the server the killed studio left behind. */
  private static void stopOrphanedServer(Path dataDir) throws Exception {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              // SIGTERM is PostgreSQL's smart shutdown: it waits for clients, and ours are closed
              p.destroy();
              p.onExit().join();
            });
  }

  private static Process start(Path dataDir, Path log) throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dstudio.data-dir=" + dataDir,
            "-Dquarkus.http.port=0",
            "-Dquarkus.management.port=0",
            "-Dstudio.packs=" + Path.of("models/tiny").toAbsolutePath(),
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The port a started studio logs for the given listener (the public one or management). */
  private static int awaitPort(Path log, Pattern listening) {
    int[] port = {0};
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          try {
            Matcher m = listening.matcher(Files.readString(log));
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
