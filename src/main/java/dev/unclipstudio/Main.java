package dev.unclipstudio;

import dev.unclipstudio.cli.Cli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Starts the studio when given no arguments; otherwise runs the command line ({@code generate},
 * {@code variations}, {@code interpolate}, {@code inpaint}, {@code pack-info}, {@code help}), which
 * uses the engine alone, without Quarkus or a database.
 *
 * <p>The embedded PostgreSQL must be up before Quarkus boots: the datasource and Flyway start
 * before any startup event could start it, so it is started here and its URL handed over as system
 * properties.
 */
@QuarkusMain
public class Main {

  public static void main(String... args) throws Exception {
    if (isCommandLine(args)) {
      System.exit(Cli.run(args));
    }
    EmbeddedDatabase db = startEmbeddedDatabaseUnlessConfigured();
    try {
      Quarkus.run(args);
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  /**
   * Whether the arguments are for the command line rather than the server: any argument at all, so
   * that a mistyped command or {@code --help} never starts the server and its database.
   */
  static boolean isCommandLine(String... args) {
    return args.length > 0;
  }

  private static EmbeddedDatabase startEmbeddedDatabaseUnlessConfigured() throws IOException {
    if (setting("quarkus.datasource.jdbc.url").isPresent()
        && System.getProperty("unclip-studio.embedded-db-active") == null) {
      return null;
    }
    EmbeddedDatabase db =
        EmbeddedDatabase.start(
            Path.of(setting("studio.data-dir").orElse("data")),
            Integer.parseInt(setting("studio.embedded-db.port").orElse("0")));
    // Marks the URL as ours, so that a dev-mode restart starts the database again instead of
    // reusing a dead URL.
    System.setProperty("unclip-studio.embedded-db-active", "true");
    System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
    System.setProperty("quarkus.datasource.username", "postgres");
    System.setProperty("quarkus.datasource.password", "");
    return db;
  }

  /**
   * A setting from system properties, the environment or config/application.properties, before
   * Quarkus reads them.
   */
  static Optional<String> setting(String key) {
    String value = System.getProperty(key);
    if (value == null) {
      value = System.getenv(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
    }
    if (value == null) {
      Path file = Path.of("config", "application.properties");
      if (Files.isRegularFile(file)) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
          properties.load(in);
        } catch (IOException e) {
          throw new IllegalStateException("Cannot read " + file.toAbsolutePath(), e);
        }
        value = properties.getProperty(key);
      }
    }
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }
}
