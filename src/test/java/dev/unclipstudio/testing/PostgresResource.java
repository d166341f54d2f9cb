package dev.unclipstudio.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real PostgreSQL for the tests: the embedded server binaries from Maven, or the server named by
 * {@code TEST_PG_URL} (for example a throwaway Debian cluster).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

  private static EmbeddedPostgres server;

  @Override
  public Map<String, String> start() {
    String url = System.getenv("TEST_PG_URL");
    if (url == null || url.isBlank()) {
      url = server().getJdbcUrl("postgres", "postgres");
    }
    return Map.of(
        "quarkus.datasource.jdbc.url", url,
        "quarkus.datasource.username", "postgres",
        "quarkus.datasource.password", "");
  }

  /** The embedded server, started once per test JVM. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server = null;
    }
  }
}
