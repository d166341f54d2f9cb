package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.ClaimPlan;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.RowLock;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One claim takes several jobs that can share an engine batch, in the fair order, each with a lease
 * of its own; jobs that would sample differently are left for another claim.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class BatchClaimTest {

  private static final Set<String> PACKS = Set.of("tiny", "glide");

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
  void compatibleJobsAreClaimedTogetherAndIncompatibleOnesAreNot() {
    CurrentUser a = data.user("batch");
    CurrentUser b = data.user("batch");
    long a1 = data.textJob(a, "a red circle");
    long otherSteps = job(a, "a blue square", 1, 5);
    long otherPack = data.textJob(a, "a green triangle");
    sql.execute("UPDATE job SET pack_name = 'glide' WHERE id = " + otherPack);
    long variation = data.textJob(b, "variation");
    sql.execute("UPDATE job SET kind = 'VARIATION' WHERE id = " + variation);
    long a2 = data.textJob(a, "two yellow circles");
    long b1 = job(b, "a small square", 2, null); // two images: still the same settings

    List<ClaimedJob> batch = queue.claimBatch("w", PACKS, 4);

    assertEquals(List.of(a1, a2, b1), ids(batch), "a's compatible jobs, then b's, the first first");
    assertEquals(3, batch.stream().map(j -> j.lease().token()).distinct().count());
    for (ClaimedJob job : batch) {
      assertEquals("RUNNING", data.status(job.lease().jobId()));
      assertEquals(1, job.attempt());
    }
    for (long left : List.of(otherSteps, otherPack, variation)) {
      assertEquals("QUEUED", data.status(left));
    }
    // each lease fences its own job only
    assertTrue(queue.fail(batch.get(2).lease(), "b's alone"));
    assertEquals(LeaseState.HELD, queue.heartbeat(batch.get(0).lease()));
    Lease crossed = new Lease(a1, batch.get(1).lease().token(), "w");
    assertEquals(LeaseState.LOST, queue.heartbeat(crossed));
    assertTrue(queue.complete(batch.get(1).lease(), List.of()));
    assertEquals("RUNNING", data.status(a1));

    // the rest sample differently from one another: one job per claim
    assertEquals(1, queue.claimBatch("w", PACKS, 4).size());
    assertEquals(1, queue.claimBatch("w", PACKS, 4).size());
    assertEquals(1, queue.claimBatch("w", PACKS, 4).size());
    assertTrue(queue.claimBatch("w", PACKS, 4).isEmpty());
  }

  @Test
  void aBatchTakesAtMostItsSizeSkipsLockedJobsAndCountsEveryUserItServed() throws Exception {
    CurrentUser a = data.user("batch");
    CurrentUser b = data.user("batch");
    CurrentUser c = data.user("batch");
    long a1 = data.textJob(a, "a1");
    long a2 = data.textJob(a, "a2");
    long a3 = data.textJob(a, "a3");
    long b1 = data.textJob(b, "b1");
    long c1 = data.textJob(c, "c1");
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      RowLock.hold(other, "job", a2);
      assertEquals(List.of(a1, a3), ids(queue.claimBatch("w", PACKS, 2)), "a2 is locked");
      other.rollback();
    }
    // a was served; b and c were not: a single claim takes b's job next, then c's, then a's
    sql.execute("UPDATE job SET created_at = created_at - interval '1 hour' WHERE id = " + a2);
    assertEquals(List.of(b1, c1), ids(queue.claimBatch("w", PACKS, 2)));
    assertEquals(List.of(a2), ids(queue.claimBatch("w", PACKS, 2)));
  }

  @Test
  void aBatchHoldsAtMostItsImagesAndALargerJobRunsAlone() {
    CurrentUser a = data.user("batch");
    long big = job(a, "eight at once", 8, null);
    long two = job(a, "two", 2, null);
    long alsoTwo = job(a, "two more", 2, null);
    long three = job(a, "three", 3, null);
    long one = job(a, "one", 1, null);
    assertEquals(List.of(big), ids(queue.claimBatch("w", PACKS, 4)), "larger than the batch");
    assertEquals(
        List.of(two, alsoTwo),
        ids(queue.claimBatch("w", PACKS, 4)),
        "2 + 2 images fill it; the next job, three images, does not fit and neither do later ones");
    assertEquals(List.of(three, one), ids(queue.claimBatch("w", PACKS, 4)));
  }

  @Test
  void aBatchOfOneIsTheSingleClaim() {
    CurrentUser a = data.user("batch");
    CurrentUser b = data.user("batch");
    data.textJob(a, "a1");
    data.textJob(a, "a2");
    long b1 = data.textJob(b, "b1");
    List<ClaimedJob> one = queue.claimBatch("w", PACKS, 1);
    assertEquals(1, one.size());
    assertEquals(b1, queue.claim("w", PACKS).orElseThrow().lease().jobId(), "round robin");
  }

  @Test
  void theBatchClaimReadsAFewJobRowsThroughTheIndexNoMatterHowDeepTheQueue() throws Exception {
    List<CurrentUser> users = List.of(data.user("deep"), data.user("deep"), data.user("deep"));
    for (CurrentUser user : users) {
      sql.execute(
          """
          INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
          SELECT %d, 'TEXT_TO_IMAGE', 'QUEUED', '{"seeds":[1]}', 'deep', 1, 3, 'tiny', 'test'
          FROM generate_series(1, 2000)
          """
              .formatted(user.id()));
    }
    sql.execute("ANALYZE job", "ANALYZE app_user");
    ClaimPlan claim =
        ClaimPlan.explain(dataSource, json, queue.claimStatement(false, 4), (c, ps) -> {});
    assertTrue(claim.usesIndex("job_claim_by_owner"), claim.root().toString());
    long jobRowsRead = claim.jobRowsRead();
    // the single claim's rows, and the mates' lookups: a few rows past the first job's
    assertTrue(
        jobRowsRead <= 2L * users.size() + 2 + 2 * 4,
        jobRowsRead + " job rows read of 6,000 queued: " + claim.root());
  }

  /** A one-user text job with {@code images} seeds and the decoder steps given (null = default). */
  private long job(CurrentUser owner, String prompt, int images, Integer decoderSteps) {
    List<Long> seeds = images == 1 ? List.of(1L) : List.of(1L, 2L);
    try {
      String params =
          json.writeValueAsString(
              JobParams.textToImage(prompt, seeds, null, null, decoderSteps, null));
      return data.rawJob(owner, prompt, params, images);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Long> ids(List<ClaimedJob> jobs) {
    return jobs.stream().map(j -> j.lease().jobId()).toList();
  }
}
