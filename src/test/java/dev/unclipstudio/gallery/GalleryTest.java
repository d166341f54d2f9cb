package dev.unclipstudio.gallery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.ApiTokens;
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
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class GalleryTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject JobQueue queue;
  @Inject ApiTokens tokens;

  CurrentUser user;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("artist");
  }

  private long finishedImage(String prompt) {
    long id = data.finishedImage(user, prompt);
    sql.execute("UPDATE image SET visibility = 'SHARED' WHERE id = " + id);
    return id;
  }

  @Test
  void pagesWalkTheWholeGalleryNewestFirstWithoutRepeats() {
    List<Long> made = new ArrayList<>();
    for (int i = 0; i < Gallery.PAGE * 2 + 3; i++) {
      made.add(finishedImage("image " + i));
    }
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    List<Long> seen = new ArrayList<>();
    String next = "/gallery";
    Pattern thumb = Pattern.compile("/images/(\\d+)/thumb.png");
    Pattern older = Pattern.compile("href=\"(/gallery\\?before=\\d+)\"");
    while (next != null) {
      String html = browser.get(next).asString();
      Matcher m = thumb.matcher(html);
      while (m.find()) {
        seen.add(Long.parseLong(m.group(1)));
      }
      Matcher o = older.matcher(html);
      next = o.find() ? o.group(1) : null;
    }
    List<Long> expected = new ArrayList<>(made);
    java.util.Collections.reverse(expected);
    assertEquals(expected, seen);
  }

  @Test
  void searchFindsPromptsRegardlessOfCase() {
    long circle = finishedImage("A Red Circle at the top");
    long square = finishedImage("a blue square");
    String html =
        WebClient.signedIn(user.username(), "password-" + user.username())
            .get("/gallery?q=red+circle")
            .asString();
    assertTrue(html.contains("/images/" + circle + "/thumb.png"));
    assertFalse(html.contains("/images/" + square + "/thumb.png"));
  }

  @Test
  void searchFindsEveryWordInAnyOrderAndOtherFormsOfAWord() {
    long circle = finishedImage("A Red Circle at the top");
    long square = finishedImage("a blue square");
    long squares = finishedImage("red squares in a row");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    assertEquals(List.of(circle), shown(browser.get("/gallery?q=circle+red").asString()));
    assertEquals(List.of(circle), shown(browser.get("/gallery?q=circles").asString()));
    assertEquals(List.of(squares, square), shown(browser.get("/gallery?q=square").asString()));
    assertEquals(List.of(squares), shown(browser.get("/gallery?q=Squares+RED").asString()));
  }

  @Test
  void searchFindsTheNewestMatchesWhetherAWordIsCommonOrRare() {
    long old = finishedImage("an old red circle");
    sql.execute("UPDATE image SET visibility = 'SHARED' WHERE id = " + old);
    long job = data.textJob(user, "bulk");
    // more images than the search tests one by one, then common matches that fill a page among them
    int filler = Gallery.RECENT_WINDOW + 100;
    sql.execute(
        ("INSERT INTO image (job_id, owner_id, index_in_job, visibility, seed, width, height, prompt,"
                + " params) SELECT %d, %d, g, 'SHARED', g, 1, 1,"
                + " CASE WHEN g > %d THEN 'a green circle ' || g ELSE 'a blue square ' || g END, '{}'"
                + " FROM generate_series(1, %d) g")
            .formatted(job, user.id(), filler, filler + 30));
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    List<Long> newestCircles =
        Arrays.stream(
                sql.string(
                        "SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM (SELECT id FROM image"
                            + " WHERE prompt LIKE 'a green circle%' ORDER BY id DESC LIMIT 24) s")
                    .split(","))
            .map(Long::valueOf)
            .toList();
    assertEquals(newestCircles, shown(browser.get("/gallery?q=circle").asString()), "common");
    List<Long> rest =
        shown(browser.get("/gallery?q=circle&before=" + newestCircles.get(23)).asString());
    assertEquals(7, rest.size(), "the other 6 green circles and the old red one: " + rest);
    assertEquals(old, rest.get(6), "found beyond the newest images, by the index");
    assertEquals(List.of(old), shown(browser.get("/gallery?q=red+circle").asString()), "rare");
  }

  @Test
  void bestMatchPutsPromptsWithTheWordsCloseTogetherAndFewOthersFirst() {
    long longer = finishedImage("a red circle on a table in the garden");
    long close = finishedImage("a red circle");
    long apart = finishedImage("a circle that is red and a big blue square");
    finishedImage("a blue square");
    long closeNewer = finishedImage("A red circle");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    String best = browser.get("/gallery?q=red+circle&sort=best").asString();
    assertEquals(List.of(closeNewer, close, longer, apart), shown(best), "ties newest first");
    assertTrue(best.contains("<option value=\"best\" selected>Best match</option>"), best);
    assertEquals(
        List.of(closeNewer, apart, close, longer),
        shown(browser.get("/gallery?q=red+circle&sort=newest").asString()));
    assertEquals(
        List.of(closeNewer, apart, close, longer),
        shown(browser.get("/gallery?q=red+circle").asString()),
        "newest first unless asked");
  }

  @Test
  void bestMatchPagesWalkEveryMatchOnceInRankOrderWhileImagesArrive() {
    long job = data.textJob(user, "bulk");
    // three prompts that rank apart, interleaved in age, and images that do not match
    String[] byRank = {"a red circle", "a red circle in a garden", "a circle and a red square"};
    sql.execute(
        ("INSERT INTO image (job_id, owner_id, index_in_job, visibility, seed, width, height, prompt,"
                + " params) SELECT %d, %d, g, 'PRIVATE', g, 1, 1, (ARRAY['%s', '%s', '%s',"
                + " 'a blue star'])[1 + g %% 4], '{}' FROM generate_series(1, 100) g")
            .formatted(job, user.id(), byRank[0], byRank[1], byRank[2]));
    List<Long> expected = new ArrayList<>();
    for (String prompt : byRank) {
      expected.addAll(
          Arrays.stream(
                  sql.string(
                          "SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM image WHERE"
                              + " prompt = '"
                              + prompt
                              + "'")
                      .split(","))
              .map(Long::valueOf)
              .toList());
    }
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    Pattern nextLink = Pattern.compile("id=\"next-page\" href=\"([^\"]+)\">More matches<");
    List<Long> seen = new ArrayList<>();
    String next = "/gallery?mine=true&sort=best&q=circle+red";
    while (next != null) {
      String html = browser.get(next).asString();
      seen.addAll(shown(html));
      if (seen.size() == Gallery.PAGE) {
        data.finishedImage(user, "a red circle"); // the best rank, newest: above the cursor already
      }
      Matcher m = nextLink.matcher(html);
      next = m.find() ? m.group(1).replace("&amp;", "&") : null;
      if (next != null) {
        assertTrue(next.contains("mine=true") && next.contains("sort=best"), next);
      }
    }
    assertEquals(expected, seen);
    assertTrue(
        browser
            .get("/gallery?mine=true&sort=best&q=circle&before=1&rank=0")
            .asString()
            .contains("No more matches."));
  }

  @Test
  void bestMatchRanksTheNewestMatchesOnlyAndLinksToTheRest() {
    long job = data.textJob(user, "bulk");
    int candidates = Gallery.BEST_MATCH_CANDIDATES;
    // older close matches, then more weaker matches than best match ranks, dense enough that the
    // newest images hold them all
    sql.execute(
        ("INSERT INTO image (job_id, owner_id, index_in_job, visibility, seed, width, height, prompt,"
                + " params) SELECT %d, %d, g, 'SHARED', g, 1, 1, CASE WHEN g <= 10 THEN 'a red"
                + " circle' WHEN g %% 2 = 0 THEN 'a circle beside a red square' ELSE 'a blue star'"
                + " END, '{}' FROM generate_series(1, %d) g")
            .formatted(job, user.id(), 10 + 2 * candidates));
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    Pattern nextLink = Pattern.compile("id=\"next-page\" href=\"([^\"]+)\"");
    List<Long> seen = new ArrayList<>();
    String html = null;
    String next = "/gallery?sort=best&q=red+circle";
    while (next != null) {
      html = browser.get(next).asString();
      seen.addAll(shown(html));
      Matcher m = nextLink.matcher(html);
      next = m.find() ? m.group(1).replace("&amp;", "&") : null;
    }
    assertEquals(candidates, seen.size());
    assertEquals(candidates, new java.util.HashSet<>(seen).size(), "no image twice");
    long oldestRanked =
        sql.number(
            "SELECT min(id) FROM (SELECT id FROM image WHERE prompt = 'a circle beside a red square'"
                + " ORDER BY id DESC LIMIT "
                + candidates
                + ") newest");
    assertTrue(seen.stream().allMatch(id -> id >= oldestRanked), "the newest matches only");
    assertTrue(
        html.contains(
            "Best match ranks the newest 500 matches. <a href=\"/gallery?q=red+circle\">"),
        html);
    assertTrue(
        browser.get("/gallery?sort=best&q=red+circle").asString().contains("id=\"next-page\""));
  }

  @Test
  void anUnknownOrderOrABestMatchCursorWithoutItsRankIsABadRequest() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    var unknown = browser.get("/gallery?q=circle&sort=oldest");
    assertEquals(400, unknown.statusCode());
    assertEquals("sort must be newest or best", unknown.asString());
    var noRank = browser.get("/gallery?q=circle&sort=best&before=10");
    assertEquals(400, noRank.statusCode());
    assertTrue(noRank.asString().contains("rank"), noRank.asString());
    assertEquals(200, browser.get("/gallery?sort=best&before=10").statusCode(), "no words: by age");
  }

  @Test
  void searchWithNoMatchSaysSoAndHowToSearch() {
    finishedImage("a red circle");
    String html =
        WebClient.signedIn(user.username(), "password-" + user.username())
            .get("/gallery?q=zebra")
            .asString();
    assertEquals(List.of(), shown(html));
    assertTrue(html.contains("No images match “zebra”."), html);
    assertTrue(html.contains("in any order"));
    assertTrue(html.contains("href=\"/gallery\">Clear the search"));
    assertFalse(html.contains("No shared images yet"));
  }

  @Test
  void anEmptyPageSaysWhyItIsEmpty() {
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    assertTrue(browser.get("/gallery?mine=true").asString().contains("You have no images yet."));
    long only = finishedImage("a lonely circle");
    assertTrue(
        browser.get("/gallery?before=" + only).asString().contains("No older images."),
        "a page past the last image");
    assertTrue(
        browser
            .get("/gallery?mine=true&q=zebra")
            .asString()
            .contains("href=\"/gallery?mine=true\">Clear the search"),
        "clearing a search of my images stays in my images");
  }

  private static List<Long> shown(String html) {
    List<Long> ids = new ArrayList<>();
    Matcher m = Pattern.compile("/images/(\\d+)/thumb.png").matcher(html);
    while (m.find()) {
      ids.add(Long.parseLong(m.group(1)));
    }
    return ids;
  }

  @Test
  void searchTreatsWildcardsLiterally() {
    finishedImage("a green star");
    String html =
        WebClient.signedIn(user.username(), "password-" + user.username())
            .get("/gallery?q=%25")
            .asString();
    assertEquals(List.of(), shown(html));
    assertTrue(html.contains("No images match “%”."));
  }

  @Test
  void anImageLinksItsSourceOnlyWhileTheViewerMaySeeIt() {
    long source = finishedImage("the source");
    long derived = finishedImage("the variation");
    sql.execute("UPDATE image SET source_image_id = " + source + " WHERE id = " + derived);
    CurrentUser viewer = data.user("viewer");
    WebClient them = WebClient.signedIn(viewer.username(), "password-" + viewer.username());
    String link = "<a href=\"/images/" + source + "\">image #" + source + "</a>";
    assertTrue(them.get("/images/" + derived).asString().contains(link));
    sql.execute("UPDATE image SET visibility = 'PRIVATE' WHERE id = " + source);
    assertFalse(them.get("/images/" + derived).asString().contains(link));
  }

  @Test
  void theApiShowsAnImageOnlyToThoseWhoMaySeeIt() {
    long id = finishedImage("an api moon");
    given()
        .header("Authorization", "Bearer " + tokens.create(user.id(), "test"))
        .get("/api/v1/images/" + id)
        .then()
        .statusCode(200)
        .body("prompt", equalTo("an api moon"))
        .body("png", equalTo("/api/v1/images/" + id + "/png"));
    sql.execute("UPDATE image SET visibility = 'PRIVATE' WHERE id = " + id);
    CurrentUser viewer = data.user("viewer");
    given()
        .header("Authorization", "Bearer " + tokens.create(viewer.id(), "test"))
        .get("/api/v1/images/" + id)
        .then()
        .statusCode(404);
  }

  @Test
  void anImagePageNamesItsImageOnceInTitleHeadingAndAltText() {
    long id = finishedImage("a small red circle in the top left corner");
    String html =
        WebClient.signedIn(user.username(), "password-" + user.username())
            .get("/images/" + id)
            .asString();
    assertTrue(
        html.contains(
            "<title>a small red circle in the top left corner (image #"
                + id
                + ") · Unclip Studio</title>"),
        html);
    assertTrue(html.contains("<h1>a small red circle in the top left corner</h1>"), html);
    assertTrue(
        html.contains("alt=\"Image #" + id + ": a small red circle in the top left corner\""),
        html);
    assertFalse(html.contains("corner" + id), "the number never runs onto the prompt");
  }

  @Test
  void theApiListsAndSearchesTheGalleryAPageAtATime() {
    long apart = finishedImage("a circle beside a red square");
    long close = finishedImage("a red circle");
    long mine = data.finishedImage(user, "my own red circle"); // private
    List<Long> shared = new ArrayList<>(List.of(close, apart));
    for (int i = 0; i < Gallery.PAGE; i++) {
      shared.add(0, finishedImage("a blue square " + i));
    }
    CurrentUser viewer = data.user("viewer");
    String token = "Bearer " + tokens.create(viewer.id(), "test");
    List<Long> listed = new ArrayList<>();
    String next = "/api/v1/images";
    while (next != null) {
      var page = given().header("Authorization", token).get(next).then().statusCode(200).extract();
      listed.addAll(page.<Long>jsonPath().getList("images.id", Long.class));
      next = page.jsonPath().getString("next");
    }
    assertEquals(shared, listed, "every shared image, newest first, over two pages");
    given()
        .header("Authorization", token)
        .queryParam("q", "red circle")
        .queryParam("sort", "best")
        .get("/api/v1/images")
        .then()
        .statusCode(200)
        .body("images.id", equalTo(List.of((int) close, (int) apart)))
        .body("images[0].png", equalTo("/api/v1/images/" + close + "/png"))
        .body("next", equalTo(null))
        .body("olderMatchesLeftOut", equalTo(false));
    given()
        .header("Authorization", "Bearer " + tokens.create(user.id(), "test"))
        .get("/api/v1/images?mine=true&q=circle")
        .then()
        .statusCode(200)
        .body("images.id", equalTo(List.of((int) mine, (int) close, (int) apart)));
    given()
        .header("Authorization", token)
        .get("/api/v1/images?q=circle&sort=relevance")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", equalTo("sort must be newest or best"));
  }

  @Test
  void anImageCanBeMadeAgainFromItsPageWithItsSeedAndSettings() {
    data.textJob(user, "a red circle & a blue square");
    ClaimedJob job = queue.claim("w").orElseThrow();
    String params =
        "{\"prompt\":\"a red circle & a blue square\",\"kind\":\"TEXT_TO_IMAGE\",\"seed\":\"41\","
            + "\"prior_steps\":\"3\",\"prior_guidance_scale\":\"4.0\",\"decoder_steps\":\"4\","
            + "\"decoder_guidance_scale\":\"5.0\",\"super_res_steps\":\"7\",\"pack\":\"tiny 1\"}";
    queue.complete(
        job.lease(),
        List.of(
            new ResultImage(0, 41, 1, 1, params, null, null, Pngs.onePixel(), Pngs.onePixel())));
    long id = sql.number("SELECT id FROM image WHERE job_id = " + job.lease().jobId());
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    String html = browser.get("/images/" + id).asString();
    String link =
        "/?prompt=a+red+circle+%26+a+blue+square&pack=tiny&images=1&seed=41&priorSteps=3"
            + "&priorGuidanceScale=4.0&decoderSteps=4&decoderGuidanceScale=5.0";
    assertTrue(html.contains("href=\"" + link.replace("&", "&amp;") + "\""), html);
    assertTrue(
        html.contains("href=\"/?prompt=a+red+circle+%26+a+blue+square\""), "use this prompt");

    String form = browser.get(link).asString();
    assertTrue(form.contains(">a red circle &amp; a blue square</textarea>"), form);
    assertTrue(form.contains("value=\"41\""), "the seed filled in");
    assertTrue(form.contains("value=\"4\""), "the decoder steps filled in");
    assertEquals(0, sql.count("job WHERE status = 'QUEUED'"), "filling the form submits nothing");
  }
}
