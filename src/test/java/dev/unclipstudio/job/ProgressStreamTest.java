package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live progress is pushed: a change of the job row reaches an open stream through the database's
 * notification (the periodic re-read is an hour in tests), and one user cannot hold more streams
 * open than the setting allows.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ProgressStreamTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject ProgressHub hub;

  @TestHTTPResource URL base;

  CurrentUser user;
  String cookie;
  final List<CompletableFuture<HttpResponse<Stream<String>>>> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("watcher");
    cookie =
        WebClient.signedIn(user.username(), "password-" + user.username()).cookie("studio_session");
  }

  @AfterEach
  void closeStreams() {
    opened.forEach(f -> f.thenAccept(r -> r.body().close()));
    opened.forEach(f -> f.cancel(true));
  }

  private CompletableFuture<HttpResponse<Stream<String>>> open(long jobId) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "jobs/" + jobId + "/events"))
            .header("Cookie", "studio_session=" + cookie)
            .header("Accept", "text/event-stream")
            .build();
    CompletableFuture<HttpResponse<Stream<String>>> f =
        HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    opened.add(f);
    return f;
  }

  /** The data lines of a stream, as they arrive. */
  private static LinkedBlockingQueue<String> events(HttpResponse<Stream<String>> response) {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () ->
                response
                    .body()
                    .filter(l -> l.startsWith("data:"))
                    .forEach(l -> lines.add(l.substring(5).strip())));
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String next(LinkedBlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(20, TimeUnit.SECONDS);
    assertTrue(event != null, "no event within 20 s");
    return event;
  }

  @Test
  void aChangeOfTheJobIsPushedToItsOpenStream() throws Exception {
    long job = data.textJob(user, "a red circle");
    HttpResponse<Stream<String>> response = open(job).get(20, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    LinkedBlockingQueue<String> events = events(response);
    assertTrue(next(events).contains("\"status\":\"QUEUED\""), "the state now, first");

    sql.execute(
        "UPDATE job SET status = 'RUNNING', progress = 0.5, stage = 'decoder', step = 3,"
            + " stage_steps = 25, started_at = now() WHERE id = "
            + job);
    String running = next(events);
    assertTrue(running.contains("\"percent\":50"), running);
    assertTrue(running.contains("\"stageLabel\":\"Decoder\""), running);

    sql.execute("UPDATE job SET status = 'SUCCEEDED', progress = 1 WHERE id = " + job);
    assertTrue(next(events).contains("\"status\":\"SUCCEEDED\""));
  }

  @Test
  void oneUserMayHoldOnlySoManyStreamsOpen() throws Exception {
    long job = data.textJob(user, "a blue square");
    int max = 8; // studio.web.max-progress-streams-per-user
    List<HttpResponse<Stream<String>>> open = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      HttpResponse<Stream<String>> r = open(job).get(20, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      open.add(r);
    }
    Await.until(Duration.ofSeconds(20), () -> hub.openStreams(user.id()) == max);
    HttpResponse<Stream<String>> refused = open(job).get(20, TimeUnit.SECONDS);
    assertEquals(429, refused.statusCode());
    assertTrue(refused.body().findFirst().orElse("").contains("live progress views open"));

    open.get(0).body().close();
    Await.until(Duration.ofSeconds(20), () -> hub.openStreams(user.id()) < max);
    assertEquals(
        200, open(job).get(20, TimeUnit.SECONDS).statusCode(), "a closed tab frees its place");
  }
}
