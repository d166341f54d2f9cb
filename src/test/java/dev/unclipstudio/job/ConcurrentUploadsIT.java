package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.ItPostgres;
import dev.unclipstudio.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Eight inpainting requests at once, each with a source and a mask of the most pixels an upload may
 * have (4096 × 4096) and a body near the most the studio reads, against the packaged studio with a
 * 512 MB heap: every answer is 2xx or 4xx (accepted, or refused with a message), never a 500 from
 * an OutOfMemoryError, at least one is accepted, the heap never ran out (not even an
 * OutOfMemoryError caught and refused), and the studio still answers afterwards. The drill of issue
 * 14 had 3 × 500 from 6 such uploads.
 */
class ConcurrentUploadsIT {

  private static final int UPLOADS = 8;
  private static final String TOKEN = "ucs_concurrent_uploads_test";

  private static EmbeddedPostgres pg;
  private static Process studio;

  @AfterAll
  static void stopAll() throws Exception {
    if (studio != null) {
      studio.destroyForcibly().waitFor();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void eightMaximumSizeUploadsAtOnceWithASmallHeapAreAnsweredNeverWith500() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    Sql sql = new Sql(pg.getPostgresDatabase());
    int httpPort = ItPostgres.freePort();
    int managementPort = ItPostgres.freePort();
    Path log = Path.of("target", "concurrent-uploads.log");
    studio = startStudio(pg.getJdbcUrl("postgres", "postgres"), httpPort, managementPort, log);
    Await.untilIgnoringErrors(
        Duration.ofSeconds(120), () -> status(get(managementPort, "/q/health/ready")) == 200);
    sql.execute(
        "INSERT INTO app_user (username, password_hash, role) VALUES ('uploader', '!', 'USER')",
        """
        INSERT INTO api_token (user_id, name, token_hash)
        SELECT id, 'test', encode(sha256(convert_to('%s', 'UTF8')), 'hex')
        FROM app_user WHERE username = 'uploader'"""
            .formatted(TOKEN));

    byte[] body = maximumInpaintRequest();
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < UPLOADS; i++) {
      answers.add(
          client.sendAsync(
              HttpRequest.newBuilder(api(httpPort, "/api/v1/jobs/inpaint"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(5))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    List<String> outcomes = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> r = answer.get();
      outcomes.add(r.statusCode() + " " + r.body().substring(0, Math.min(160, r.body().length())));
    }
    int accepted = 0;
    for (String outcome : outcomes) {
      int code = Integer.parseInt(outcome.substring(0, 3));
      assertTrue(code >= 200 && code < 500, "only 2xx and 4xx: " + outcomes);
      accepted += code < 300 ? 1 : 0;
    }
    // refusing them all would also avoid a 500: the studio must still take uploads, in turn
    assertTrue(accepted >= 1, "at least one upload accepted: " + outcomes);

    assertTrue(studio.isAlive(), "the studio must survive");
    assertEquals(200, status(get(managementPort, "/q/health/live")), "still alive");
    HttpResponse<String> list =
        client.send(
            HttpRequest.newBuilder(api(httpPort, "/api/v1/jobs"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, list.statusCode(), "still answers the API");
    // Uploads logs every OutOfMemoryError it turns into a refusal, so none may have been caught
    assertFalse(
        Files.readString(log).contains("OutOfMemoryError"), "no OutOfMemoryError in " + log);
  }

  /**
   * A JSON inpainting request whose source and mask are 4096 × 4096 (the most pixels an upload may
   * have), the source noisy enough that the body is close to the studio's 12 MB limit on a request.
   */
  private static byte[] maximumInpaintRequest() throws IOException {
    int side = 4096;
    BufferedImage source = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(14);
    for (int y = 0; y < 620; y++) { // noise does not compress: about 7.5 MB of PNG
      for (int x = 0; x < side; x++) {
        source.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    BufferedImage mask = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = side / 2; y < side; y++) {
      for (int x = 0; x < side; x++) {
        mask.setRGB(x, y, 0xffffff);
      }
    }
    String json =
        """
        {"source": "%s", "mask": "%s", "prompt": "a red circle", "images": 1}"""
            .formatted(base64Png(source), base64Png(mask));
    byte[] body = json.getBytes(StandardCharsets.US_ASCII);
    assertTrue(body.length > 9 * 1024 * 1024, "near the limit: " + body.length);
    assertTrue(body.length < 12 * 1024 * 1024, "under quarkus.http.limits.max-body-size");
    return body;
  }

  private static String base64Png(BufferedImage image) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return Base64.getEncoder().encodeToString(png.toByteArray());
  }

  private static URI api(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(api(port, path)).timeout(Duration.ofSeconds(30)).build();
  }

  private static int status(HttpRequest request) {
    try {
      return HttpClient.newHttpClient()
          .send(request, HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("the studio did not answer " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Process startStudio(String jdbcUrl, int httpPort, int managementPort, Path log)
      throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "run after package: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
            "-Dquarkus.datasource.username=postgres",
            "-Dquarkus.http.port=" + httpPort,
            "-Dquarkus.management.port=" + managementPort,
            "-Dstudio.packs=" + Path.of("models/tiny").toAbsolutePath(),
            "-Dstudio.accounts.admin-password=uploads-test-admin",
            // The web side alone: what is measured is how uploads are read, not how jobs run.
            "-Dstudio.roles.worker=false",
            "-jar",
            jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
