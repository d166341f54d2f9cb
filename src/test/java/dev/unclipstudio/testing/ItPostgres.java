package dev.unclipstudio.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * What the packaged-app ITs share to run the studio against a PostgreSQL they can stop and start
 * again: free ports, and a server that comes back on the same port with the same data.
 */
public final class ItPostgres {

  private ItPostgres() {}

  /** A port nothing listens on now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** PostgreSQL on {@code port} over {@code dataDir}, keeping what is there (a restart). */
  public static EmbeddedPostgres restartable(Path dataDir, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.toFile())
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
