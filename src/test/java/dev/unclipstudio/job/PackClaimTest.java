package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.ClaimPlan;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker claims only jobs of the packs it has open, in the same fair order as before. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class PackClaimTest {

  @Inject JobQueue queue;
  @Inject TestData data;
  @Inject Sql sql;
  @Inject DataSource dataSource;
  @Inject ObjectMapper json;

  @BeforeEach
  void clean() {
    data.reset();
  }

  @Test
  void aWorkerSkipsJobsOfPacksItHasNotOpenAndKeepsTheFairOrder() {
    CurrentUser a = data.user("mixed");
    CurrentUser b = data.user("plain");
    long glideJob = data.textJob(a, "a1 for glide");
    long aTiny = data.textJob(a, "a2 for tiny");
    long bTiny = data.textJob(b, "b1 for tiny");
    sql.execute("UPDATE job SET pack_name = 'glide' WHERE id = " + glideJob);

    // a's oldest job is glide's, so a goes first, with its oldest job of a pack the worker has
    ClaimedJob first = queue.claim("tiny-worker", Set.of("tiny")).orElseThrow();
    assertEquals(aTiny, first.lease().jobId());
    assertEquals("tiny", first.pack());
    assertEquals(bTiny, queue.claim("tiny-worker", Set.of("tiny")).orElseThrow().lease().jobId());
    assertTrue(queue.claim("tiny-worker", Set.of("tiny")).isEmpty(), "only glide's job is left");
    assertEquals("QUEUED", data.status(glideJob));

    ClaimedJob glide = queue.claim("glide-worker", Set.of("glide", "other")).orElseThrow();
    assertEquals(glideJob, glide.lease().jobId());
    assertEquals("glide", glide.pack());
  }

  @Test
  void theClaimOfAPackReadsAFewJobRowsThroughTheIndexNoMatterHowDeepTheQueue() throws Exception {
    List<CurrentUser> users = List.of(data.user("deep"), data.user("deep"), data.user("deep"));
    for (CurrentUser user : users) {
      sql.execute(
          """
          INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
          SELECT %d, 'TEXT_TO_IMAGE', 'QUEUED', '{}', 'deep', 1, 3, 'tiny', 'test' FROM generate_series(1, 2000)
          """
              .formatted(user.id()));
    }
    sql.execute("ANALYZE job", "ANALYZE app_user");
    // the claim of the tiny pack's jobs
    ClaimPlan claim =
        ClaimPlan.explain(
            dataSource,
            json,
            queue.claimStatement(true),
            (c, ps) -> ps.setArray(3, c.createArrayOf("text", new String[] {"tiny"})));
    assertTrue(
        claim.usesIndex("job_claim_by_owner"),
        "the per-user lookup must use job_claim_by_owner: " + claim.root());
    long jobRowsRead = claim.jobRowsRead();
    assertTrue(
        jobRowsRead <= 2L * users.size() + 2,
        jobRowsRead + " job rows read of 6,000 queued: " + claim.root());
  }
}
