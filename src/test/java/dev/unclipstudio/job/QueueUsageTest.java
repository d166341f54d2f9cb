package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import dev.unclipstudio.worker.WorkerPool;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The create and account pages show the user's images today and active jobs against their limits,
 * read by the code that enforces them: what the pages say is what the next submission meets.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class QueueUsageTest {

  private static final List<String> PAGES =
      List.of("/", "/account", "/variations", "/interpolate", "/inpaint");

  @Inject WorkerPool pool;
  @Inject TestData data;
  @Inject Sql sql;

  CurrentUser user;
  WebClient browser;

  @BeforeEach
  void setUp() {
    pool.stop(); // the jobs stay queued, so the counts stay put
    data.reset();
    user = data.user("counted");
    // the user's own limits, so that limits other tests set in the console do not matter
    sql.execute(
        "UPDATE app_user SET max_active_jobs = 2, daily_image_quota = 5 WHERE id = " + user.id());
    browser = WebClient.signedIn(user.username(), "password-" + user.username());
  }

  private long queued(String prompt, int images) {
    String seeds = String.join(",", java.util.Collections.nCopies(images, "1"));
    return data.rawJob(
        user, prompt, "{\"prompt\":\"" + prompt + "\",\"seeds\":[" + seeds + "]}", images);
  }

  @Test
  void thePagesCountTodaysImagesAndActiveJobsAsTheSubmissionDoes() {
    queued("a red circle", 3);
    long cancelled = queued("a blue square", 1);
    sql.execute("UPDATE job SET status = 'CANCELLED' WHERE id = " + cancelled);
    for (String page : PAGES) {
      String html = browser.get(page).asString();
      assertTrue(
          html.contains("3 of 5 images used today · 1 of 2 jobs queued or running."),
          page + ": " + html);
      assertFalse(html.contains("id=\"usage-full\""), page);
    }
  }

  @Test
  void atTheLimitThePagesSayWhyBeforeAnyoneSubmitsInTheSubmissionsOwnWords() {
    queued("a red circle", 3);
    queued("a green ring", 2);
    LimitExceededException refused =
        assertThrows(LimitExceededException.class, () -> data.textJob(user, "a star"));
    for (String page : PAGES) {
      String html = browser.get(page).asString();
      assertTrue(html.contains("5 of 5 images used today · 2 of 2 jobs queued or running."), page);
      assertTrue(
          html.contains(
              "<p class=\"error\" role=\"alert\" id=\"usage-full\">"
                  + refused.getMessage()
                  + "</p>"),
          page + ": " + html);
    }
    assertEquals(2, sql.count("job"));
  }
}
