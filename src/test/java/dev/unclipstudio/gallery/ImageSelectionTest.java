package dev.unclipstudio.gallery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.testing.Pngs;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Results and "My images": a job's results with their source before them, interpolation frames as
 * one ordered strip, badges, sharing and unsharing several images at once, and ZIP downloads of a
 * selection or of a job, never holding an image the user may not see.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ImageSelectionTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;

  CurrentUser owner;
  CurrentUser other;

  @BeforeEach
  void setUp() {
    data.reset();
    owner = data.user("collector");
    other = data.user("neighbour");
  }

  /** A finished job of {@code user} with {@code count} solid-colour images; their ids in order. */
  private List<Long> finishedJob(CurrentUser user, int count) {
    long jobId = data.textJob(user, "colours");
    ClaimedJob job = queue.claim("w").orElseThrow();
    List<ResultImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] png = Pngs.solid(8, 8, 0x102030 * (i + 1));
      images.add(new ResultImage(i, i, 8, 8, "{}", null, null, png, png));
    }
    queue.complete(job.lease(), images);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          sql.number(
              "SELECT id FROM image WHERE job_id = %d AND index_in_job = %d".formatted(jobId, i)));
    }
    return ids;
  }

  private static WebClient as(CurrentUser user) {
    return WebClient.signedIn(user.username(), "password-" + user.username());
  }

  private String visibility(long imageId) {
    return sql.string("SELECT visibility FROM image WHERE id = " + imageId);
  }

  /** File name → bytes of every entry, in the ZIP's order. */
  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }

  @Test
  void myImagesShowsEveryOwnImageWithItsPrivateOrSharedBadge() {
    List<Long> mine = finishedJob(owner, 2);
    sql.execute("UPDATE image SET visibility = 'SHARED' WHERE id = " + mine.get(1));
    String html = as(owner).get("/gallery?mine=true").asString();
    assertTrue(html.contains("id=\"select-" + mine.get(0) + "\""), html);
    assertTrue(html.contains("<span class=\"badge private\">Private</span>"), html);
    assertTrue(html.contains("<span class=\"badge shared\">Shared</span>"), html);
  }

  @Test
  void theOwnerSharesAndUnsharesASelectionAtOnce() {
    List<Long> mine = finishedJob(owner, 3);
    WebClient client = as(owner);
    client.get("/gallery?mine=true");
    Response shared =
        client.post(
            "/images/visibility",
            Map.of("id", List.of(mine.get(0), mine.get(2)), "visibility", "SHARED"));
    assertEquals(303, shared.statusCode());
    assertTrue(shared.header("Location").endsWith("/gallery?mine=true"));
    assertEquals(
        List.of("SHARED", "PRIVATE", "SHARED"), mine.stream().map(this::visibility).toList());

    client.post("/images/visibility", Map.of("id", List.of(mine.get(0)), "visibility", "PRIVATE"));
    assertEquals(
        List.of("PRIVATE", "PRIVATE", "SHARED"), mine.stream().map(this::visibility).toList());
  }

  @Test
  void aSelectionWithSomeoneElsesImageChangesNothing() {
    List<Long> mine = finishedJob(owner, 1);
    List<Long> theirs = finishedJob(other, 1);
    sql.execute("UPDATE image SET visibility = 'SHARED' WHERE id = " + theirs.get(0));
    WebClient client = as(owner);
    client.get("/gallery?mine=true");
    Response refused =
        client.post(
            "/images/visibility",
            Map.of("id", List.of(mine.get(0), theirs.get(0)), "visibility", "PRIVATE"));
    assertEquals(404, refused.statusCode());
    assertEquals("PRIVATE", visibility(mine.get(0)));
    assertEquals("SHARED", visibility(theirs.get(0)), "another's shared image stays shared");

    Response none = client.post("/images/visibility", Map.of("visibility", "SHARED"));
    assertEquals(400, none.statusCode());
    assertTrue(none.asString().contains("Choose at least one image."), none.asString());
  }

  @Test
  void aJobsZipHoldsItsImagesInOrderAsTheyAreStored() throws IOException {
    List<Long> mine = finishedJob(owner, 3);
    long jobId = sql.number("SELECT job_id FROM image WHERE id = " + mine.get(0));
    Response zip = as(owner).get("/jobs/" + jobId + "/images.zip");
    assertEquals(200, zip.statusCode());
    assertEquals("application/zip", zip.contentType());
    assertTrue(zip.header("Content-Disposition").contains("unclip-job-" + jobId + ".zip"));
    Map<String, byte[]> entries = unzip(zip.asByteArray());
    assertEquals(
        List.of(
            "job-%d-01-unclip-%d.png".formatted(jobId, mine.get(0)),
            "job-%d-02-unclip-%d.png".formatted(jobId, mine.get(1)),
            "job-%d-03-unclip-%d.png".formatted(jobId, mine.get(2))),
        List.copyOf(entries.keySet()));
    assertArrayEquals(
        Pngs.solid(8, 8, 0x102030 * 2),
        entries.get("job-%d-02-unclip-%d.png".formatted(jobId, mine.get(1))));
  }

  @Test
  void aZipNeverHoldsAnotherUsersPrivateImage() throws IOException {
    List<Long> mine = finishedJob(owner, 1);
    List<Long> theirs = finishedJob(other, 2);
    sql.execute("UPDATE image SET visibility = 'SHARED' WHERE id = " + theirs.get(1));
    long theirJob = sql.number("SELECT job_id FROM image WHERE id = " + theirs.get(0));
    WebClient client = as(owner);
    client.get("/gallery?mine=true");

    Response withPrivate =
        client.post("/images/download", Map.of("id", List.of(mine.get(0), theirs.get(0))));
    assertEquals(404, withPrivate.statusCode());
    assertTrue(withPrivate.contentType().startsWith("text/html"), withPrivate.contentType());

    Response withShared =
        client.post("/images/download", Map.of("id", List.of(mine.get(0), theirs.get(1))));
    assertEquals(200, withShared.statusCode());
    assertEquals(
        List.of("unclip-" + mine.get(0) + ".png", "unclip-" + theirs.get(1) + ".png"),
        List.copyOf(unzip(withShared.asByteArray()).keySet()));

    // their job's ZIP holds only the image they shared
    assertEquals(
        List.of("job-%d-02-unclip-%d.png".formatted(theirJob, theirs.get(1))),
        List.copyOf(unzip(client.get("/jobs/" + theirJob + "/images.zip").asByteArray()).keySet()));
    sql.execute("UPDATE image SET visibility = 'PRIVATE' WHERE id = " + theirs.get(1));
    assertEquals(404, client.get("/jobs/" + theirJob + "/images.zip").statusCode());
  }

  /** A finished job of {@code kind} made from {@code sources}, with {@code count} images. */
  private long jobOfKind(String kind, List<Long> sources, int count) {
    long job =
        data.rawJob(owner, "", "{\"sourceImageIds\": " + sources + ", \"seeds\": [1]}", count);
    sql.execute(
        "UPDATE job SET kind = '%s', status = 'SUCCEEDED' WHERE id = %d".formatted(kind, job));
    for (int i = 0; i < count; i++) {
      sql.execute(
          """
          INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, params, source_image_id)
          VALUES (%d, %d, %d, 1, 8, 8, '{}', %d)"""
              .formatted(job, owner.id(), i, sources.get(0)));
    }
    return job;
  }

  @Test
  void variationsShowTheirSourceBeforeThemWhileTheViewerMaySeeIt() {
    long mine = finishedJob(owner, 1).get(0);
    long theirs = finishedJob(other, 1).get(0);
    long fromMine = jobOfKind("VARIATION", List.of(mine), 2);
    long fromTheirs = jobOfKind("VARIATION", List.of(theirs), 1);
    WebClient client = as(owner);

    String page = client.get("/jobs/" + fromMine).asString();
    assertTrue(page.contains("id=\"job-source\""), page);
    assertTrue(page.contains("Before · <a href=\"/images/" + mine + "\">image #" + mine), page);
    assertTrue(page.contains("After 2"), page);
    long result = sql.number("SELECT min(id) FROM image WHERE job_id = " + fromMine);
    assertTrue(client.get("/images/" + result).asString().contains("id=\"before-after\""));

    String hidden = client.get("/jobs/" + fromTheirs).asString();
    assertFalse(hidden.contains("id=\"job-source\""), "their private image is not shown");
    assertFalse(hidden.contains("/images/" + theirs), hidden);
    assertFalse(
        hidden.contains("id=\"remake\""), "no offer to remake from an image they cannot see");
    assertFalse(hidden.contains("id=\"copy-params\""), "nor its id in copied parameters");
    assertTrue(page.contains("id=\"remake\""), "while the owner of the source may");
  }

  @Test
  void anInterpolationShowsItsFramesAsOneOrderedStrip() {
    List<Long> ends = finishedJob(owner, 2);
    long job = jobOfKind("INTERPOLATION", ends, 4);
    String page = as(owner).get("/jobs/" + job).asString();
    assertTrue(page.contains("<ol class=\"strip\" id=\"job-images\""), page);
    List<Long> frames = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("data-full=\"/images/(\\d+).png\"").matcher(page);
    while (m.find()) {
      frames.add(Long.parseLong(m.group(1)));
    }
    assertEquals(
        sql.string(
            "SELECT string_agg(id::text, ',' ORDER BY index_in_job) FROM image WHERE job_id = "
                + job),
        frames.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
    assertTrue(page.contains("Frame 4"), page);
  }
}
