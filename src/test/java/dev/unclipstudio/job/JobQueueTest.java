package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.testing.ClaimPlan;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.RowLock;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.time.DatabaseClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class JobQueueTest {

  @Inject JobQueue queue;
  @Inject JobSubmission submission;
  @Inject DatabaseClock clock;
  @Inject TestData data;
  @Inject Sql sql;
  @Inject StudioConfig config;
  @Inject DataSource dataSource;
  @Inject ObjectMapper json;

  @BeforeEach
  void clean() {
    data.reset();
    clock.reset();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void eightWorkersClaimingTwoHundredJobsRunEachExactlyOnce() throws Exception {
    List<CurrentUser> users = new ArrayList<>();
    for (int u = 0; u < 20; u++) {
      users.add(data.user("crowd"));
    }
    for (int i = 0; i < 200; i++) {
      data.textJob(users.get(i % 20), "job " + i);
    }
    ConcurrentHashMap<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      String name = "worker-" + w;
      workers.add(
          pool.submit(
              () -> {
                Optional<ClaimedJob> job;
                while ((job = queue.claim(name)).isPresent()) {
                  runs.computeIfAbsent(job.get().lease().jobId(), id -> new AtomicInteger())
                      .incrementAndGet();
                  assertTrue(queue.complete(job.get().lease(), List.of()));
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertEquals(200, runs.size());
    assertTrue(runs.values().stream().allMatch(n -> n.get() == 1), "some job ran twice: " + runs);
    assertEquals(200, sql.count("job WHERE status = 'SUCCEEDED'"));
  }

  @Test
  void expiredLeaseIsRescuedAndTheJobRunsAgain() {
    long id = data.textJob(data.user("alice"), "a red circle");
    ClaimedJob first = queue.claim("doomed").orElseThrow();
    assertEquals(0, queue.rescueExpired(), "a fresh lease must not be rescued");

    clock.advance(config.queue().lease().plusSeconds(1));
    assertEquals(1, queue.rescueExpired());
    assertEquals("QUEUED", data.status(id));

    clock.advance(config.queue().retryBackoff());
    ClaimedJob second = queue.claim("healthy").orElseThrow();
    assertEquals(id, second.lease().jobId());
    assertEquals(2, second.attempt());
    assertTrue(queue.complete(second.lease(), List.of()));
    assertEquals("SUCCEEDED", data.status(id));
    assertFalse(first.lease().token().equals(second.lease().token()));
  }

  @Test
  void aWorkerThatLostItsLeaseCanWriteNothing() {
    long id = data.textJob(data.user("bob"), "a blue square");
    ClaimedJob stale = queue.claim("stale").orElseThrow();
    clock.advance(config.queue().lease().plusSeconds(1));
    queue.rescueExpired();
    clock.advance(config.queue().retryBackoff());
    ClaimedJob fresh = queue.claim("fresh").orElseThrow();

    assertEquals(LeaseState.LOST, queue.heartbeat(stale.lease()));
    assertEquals(
        LeaseState.LOST, queue.reportProgress(stale.lease(), "decoder", 3, 25, 0.5, null, null));
    assertFalse(queue.complete(stale.lease(), List.of(image(0))));
    assertFalse(queue.fail(stale.lease(), "late failure"));
    assertEquals(0, sql.count("image WHERE job_id = " + id));

    assertEquals(LeaseState.HELD, queue.heartbeat(fresh.lease()));
    assertTrue(queue.complete(fresh.lease(), List.of(image(0))));
    assertEquals(1, sql.count("image WHERE job_id = " + id));
  }

  @Test
  void aJobWhoseWorkersKeepDyingEndsFailedAfterMaxAttempts() {
    long id = data.textJob(data.user("carol"), "poison");
    int maxAttempts = config.queue().maxAttempts();
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      ClaimedJob job =
          queue.claim("crashing-" + attempt).orElseThrow(() -> new AssertionError("not claimable"));
      assertEquals(attempt, job.attempt());
      clock.advance(config.queue().lease().plusSeconds(1));
      queue.rescueExpired();
      clock.advance(config.queue().retryBackoff().multipliedBy(1L << attempt));
    }
    assertEquals("FAILED", data.status(id));
    assertTrue(
        sql.string("SELECT error FROM job WHERE id = " + id)
            .contains("Gave up after " + maxAttempts));
    assertTrue(queue.claim("another").isEmpty());
  }

  @Test
  void rescuedJobsWaitForTheirBackoff() {
    long id = data.textJob(data.user("dave"), "backoff");
    queue.claim("w1").orElseThrow();
    clock.advance(config.queue().lease().plusSeconds(1));
    queue.rescueExpired();
    assertTrue(queue.claim("w2").isEmpty(), "claimed before its backoff");
    clock.advance(config.queue().retryBackoff());
    assertEquals(id, queue.claim("w2").orElseThrow().lease().jobId());
  }

  @Test
  void cancellingAQueuedJobMeansItIsNeverClaimed() {
    long id = data.textJob(data.user("erin"), "never run");
    assertEquals(CancelOutcome.CANCELLED, queue.cancel(id));
    assertEquals("CANCELLED", data.status(id));
    assertTrue(queue.claim("w").isEmpty());
    assertEquals(CancelOutcome.ALREADY_FINISHED, queue.cancel(id));
  }

  @Test
  void cancellingARunningJobAsksItsWorkerToStop() {
    long id = data.textJob(data.user("frank"), "stop me");
    ClaimedJob job = queue.claim("w").orElseThrow();
    assertEquals(CancelOutcome.REQUESTED, queue.cancel(id));
    assertEquals(
        LeaseState.CANCEL_REQUESTED,
        queue.reportProgress(job.lease(), "prior", 1, 25, 0.1, null, null));
    assertFalse(queue.complete(job.lease(), List.of(image(0))), "a cancelled job must not succeed");
    assertTrue(queue.markCancelled(job.lease()));
    assertEquals("CANCELLED", data.status(id));
  }

  @Test
  void usersAreServedRoundRobin() {
    CurrentUser a = data.user("a");
    CurrentUser b = data.user("b");
    CurrentUser c = data.user("c");
    long a1 = data.textJob(a, "a1");
    long a2 = data.textJob(a, "a2");
    long a3 = data.textJob(a, "a3");
    long b1 = data.textJob(b, "b1");
    long c1 = data.textJob(c, "c1");
    long c2 = data.textJob(c, "c2");
    List<Long> order = new ArrayList<>();
    Optional<ClaimedJob> job;
    while ((job = queue.claim("w")).isPresent()) {
      order.add(job.get().lease().jobId());
    }
    assertEquals(List.of(a1, b1, c1, a2, c2, a3), order);
  }

  @Test
  void higherPriorityGoesFirst() {
    CurrentUser a = data.user("p");
    long low = data.textJob(a, "low");
    long high = data.textJob(a, "high");
    sql.execute("UPDATE job SET priority = 5 WHERE id = " + high);
    assertEquals(high, queue.claim("w").orElseThrow().lease().jobId());
    assertEquals(low, queue.claim("w").orElseThrow().lease().jobId());
  }

  @Test
  void submissionsOverTheActiveJobCapAreRefused() {
    CurrentUser user = data.user("greedy");
    int cap = config.queue().maxActivePerUser();
    for (int i = 0; i < cap; i++) {
      data.textJob(user, "job " + i);
    }
    LimitExceededException e =
        assertThrows(LimitExceededException.class, () -> data.textJob(user, "one more"));
    assertTrue(e.getMessage().contains("already have " + cap + " jobs"));
    data.textJob(data.user("someone-else"), "others are not affected");
  }

  @Test
  void submissionsOverTheDailyQuotaAreRefused() {
    CurrentUser user = data.user("quota");
    sql.execute("UPDATE app_user SET daily_image_quota = 2 WHERE id = " + user.id());
    data.textJob(user, "one");
    data.textJob(user, "two");
    LimitExceededException e =
        assertThrows(LimitExceededException.class, () -> data.textJob(user, "three"));
    assertTrue(e.getMessage().contains("daily quota of 2 images"));
  }

  @Test
  void retryPutsAFailedJobBackWithFreshAttempts() {
    long id = data.textJob(data.user("retry"), "flaky");
    ClaimedJob job = queue.claim("w").orElseThrow();
    assertTrue(queue.fail(job.lease(), "out of memory"));
    assertTrue(submission.retry(id));
    assertEquals("QUEUED", data.status(id));
    assertEquals(1, queue.claim("w").orElseThrow().attempt());
  }

  @Test
  void releaseReturnsAJobWithoutSpendingAnAttempt() {
    long id = data.textJob(data.user("shutdown"), "released");
    ClaimedJob job = queue.claim("w").orElseThrow();
    assertTrue(queue.release(job.lease()));
    assertEquals("QUEUED", data.status(id));
    assertEquals(1, queue.claim("w").orElseThrow().attempt());
  }

  @Test
  void priorityComesFirstThenTheUserServedLeastRecentlyAcrossUsers() {
    CurrentUser a = data.user("level-a");
    CurrentUser b = data.user("level-b");
    CurrentUser c = data.user("level-c");
    long a1 = data.textJob(a, "a1");
    long b1 = data.textJob(b, "b1");
    long c1 = data.textJob(c, "c1");
    long b2 = data.textJob(b, "b2");
    long c2 = data.textJob(c, "c2");
    sql.execute(
        "UPDATE job SET priority = 5 WHERE id IN (" + b2 + ", " + c2 + ")",
        // c was served longer ago than b, a never: on level 5 c goes before b, then level 0 from a
        "UPDATE app_user SET last_served_at = now() - interval '1 hour' WHERE id = " + b.id(),
        "UPDATE app_user SET last_served_at = now() - interval '2 hours' WHERE id = " + c.id());
    List<Long> order = new ArrayList<>();
    Optional<ClaimedJob> job;
    while ((job = queue.claim("w")).isPresent()) {
      order.add(job.get().lease().jobId());
    }
    assertEquals(List.of(c2, b2, a1, c1, b1), order);
  }

  @Test
  void theClaimMovesPastLockedJobsJobsInBackoffAndUsersWithoutWork() throws SQLException {
    data.user("idle"); // never served, so first in fair-share order, but with nothing to run
    CurrentUser a = data.user("busy-a");
    CurrentUser b = data.user("busy-b");
    long a1 = data.textJob(a, "a1");
    long a2 = data.textJob(a, "a2");
    long b1 = data.textJob(b, "b1");
    long waiting = data.textJob(b, "waiting");
    long top = data.textJob(b, "top");
    sql.execute(
        // the only job of the highest level waits for its backoff: the claim must fall to level 0
        "UPDATE job SET priority = 9, run_after = now() + interval '1 hour' WHERE id = " + top,
        "UPDATE job SET run_after = now() + interval '1 hour' WHERE id = " + waiting);
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      RowLock.hold(other, "job", a1); // another worker is claiming a1 right now
      assertEquals(a2, queue.claim("w").orElseThrow().lease().jobId(), "a's next job, not a wait");
      RowLock.hold(other, "job", b1);
      assertTrue(queue.claim("w").isEmpty(), "everything left is locked or waiting");
      other.rollback();
    }
    assertEquals(b1, queue.claim("w").orElseThrow().lease().jobId(), "b, served less recently");
    assertEquals(a1, queue.claim("w").orElseThrow().lease().jobId());
    clock.advance(Duration.ofHours(2));
    assertEquals(top, queue.claim("w").orElseThrow().lease().jobId());
    assertEquals(waiting, queue.claim("w").orElseThrow().lease().jobId());
  }

  @Test
  void theClaimReadsAFewJobRowsThroughTheIndexNoMatterHowDeepTheQueue() throws Exception {
    List<CurrentUser> users = List.of(data.user("deep"), data.user("deep"), data.user("deep"));
    for (CurrentUser user : users) {
      // 2,000 jobs each, straight into the table (the per-user cap would refuse them)
      sql.execute(
          """
          INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
          SELECT %d, 'TEXT_TO_IMAGE', 'QUEUED', '{}', 'deep', 1, 3, 'tiny', 'test' FROM generate_series(1, 2000)
          """
              .formatted(user.id()));
    }
    sql.execute("ANALYZE job", "ANALYZE app_user");
    ClaimPlan claim = ClaimPlan.explain(dataSource, json, queue.claimStatement(), (c, ps) -> {});
    JsonNode plan = claim.root();
    assertTrue(
        claim.usesIndex("job_claim_by_owner"),
        "the per-user lookup must use job_claim_by_owner: " + plan);
    assertTrue(
        claim.nodes().stream()
            .filter(n -> "Sort".equals(n.path("Node Type").asText()))
            .noneMatch(JobQueueTest::readsJobs),
        "job rows must come in index order, never through a Sort: " + plan);
    long jobRowsRead = claim.jobRowsRead();
    // per user with queued jobs its oldest job and the probe past it, then the job locked and
    // updated
    assertTrue(
        jobRowsRead <= 2L * users.size() + 2,
        jobRowsRead + " job rows read of 6,000 queued: " + plan);
  }

  @Test
  void theClaimReadsAFewRowsHoweverManyUsersWait() throws Exception {
    // 1,000 users with one queued job each, and 1,000 accounts with none
    sql.execute(
        """
        INSERT INTO app_user (username, password_hash, role)
        SELECT 'many' || g, 'x', 'USER' FROM generate_series(1, 2000) g
        """,
        """
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version)
        SELECT id, 'TEXT_TO_IMAGE', 'QUEUED', '{}', 'many', 1, 3, 'tiny', 'test'
        FROM app_user WHERE username LIKE 'many%' AND substring(username FROM 5)::int % 2 = 0
        """,
        "ANALYZE job",
        "ANALYZE app_user");
    assertEquals(1000, sql.count("app_user WHERE queued_jobs = 1"));
    for (String statement : List.of(queue.claimStatement(), queue.claimStatement(false, 4))) {
      ClaimPlan claim = ClaimPlan.explain(dataSource, json, statement, (c, ps) -> {});
      assertTrue(claim.usesIndex("app_user_turn"), claim.root().toString());
      // the first users in turn and their jobs; a batch reads a few more of each
      assertTrue(claim.rowsRead("app_user") <= 12, claim.rowsRead("app_user") + " users read");
      assertTrue(claim.jobRowsRead() <= 12, claim.jobRowsRead() + " job rows read");
    }
    // the plan a worker's prepared claim may get once PostgreSQL caches a generic one: the same
    // walk
    for (String statement : List.of(queue.claimStatement(true, 1), queue.claimStatement(true, 4))) {
      ClaimPlan generic = ClaimPlan.generic(dataSource, json, statement);
      assertTrue(generic.usesIndex("app_user_turn"), generic.root().toString());
      assertFalse(generic.sortsRowsOf("app_user"), "users in index order: " + generic.root());
      assertFalse(generic.sortsRowsOf("job"), "jobs in index order: " + generic.root());
    }
  }

  @Test
  void eachUsersQueuedJobCountFollowsEveryChange() {
    CurrentUser a = data.user("count");
    CurrentUser b = data.user("count");
    long a1 = data.textJob(a, "a1");
    long a2 = data.textJob(a, "a2");
    long a3 = data.textJob(a, "a3");
    long b1 = data.textJob(b, "b1");
    assertCounts(a, b);
    ClaimedJob first = queue.claim("w").orElseThrow(); // a1
    assertCounts(a, b);
    assertTrue(queue.release(first.lease()));
    assertCounts(a, b);
    ClaimedJob again = queue.claim("w").orElseThrow();
    assertTrue(queue.fail(again.lease(), "failed"));
    assertTrue(submission.retry(again.lease().jobId()));
    assertCounts(a, b);
    assertEquals(CancelOutcome.CANCELLED, queue.cancel(a2));
    assertCounts(a, b);
    queue.claim("w").orElseThrow();
    clock.advance(config.queue().lease().plusSeconds(1));
    assertEquals(1, queue.rescueExpired());
    assertCounts(a, b);
    sql.execute("DELETE FROM job WHERE id IN (" + a3 + ", " + b1 + ")");
    assertCounts(a, b);
    assertEquals(0, sql.number("SELECT queued_jobs FROM app_user WHERE id = " + b.id()));
  }

  @Test
  void aClaimPassesOverAUserAnotherClaimIsServing() throws SQLException {
    CurrentUser a = data.user("spread");
    CurrentUser b = data.user("spread");
    long a1 = data.textJob(a, "a1");
    long a2 = data.textJob(a, "a2");
    long b1 = data.textJob(b, "b1");
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      // another claim is serving a: it holds a's row and a1
      RowLock.hold(other, "app_user", a.id());
      RowLock.hold(other, "job", a1);
      assertEquals(
          b1, queue.claim("w").orElseThrow().lease().jobId(), "b's job, not a's second one");
      assertTrue(queue.claim("w").isEmpty(), "a is being served, b has nothing left");
      other.rollback();
    }
    assertEquals(a1, queue.claim("w").orElseThrow().lease().jobId());
    assertEquals(a2, queue.claim("w").orElseThrow().lease().jobId());
  }

  /** app_user.queued_jobs, kept by trigger, equals the count of each user's queued jobs. */
  private void assertCounts(CurrentUser... users) {
    for (CurrentUser user : users) {
      assertEquals(
          sql.count("job WHERE status = 'QUEUED' AND owner_id = " + user.id()),
          sql.number("SELECT queued_jobs FROM app_user WHERE id = " + user.id()),
          user.username());
    }
  }

  @Test
  void claimsHeartbeatsAndProgressCommitWithoutWaitingForTheFlushAndNothingElseDoes()
      throws SQLException {
    long id = data.textJob(data.user("async"), "async");
    try (Connection c = dataSource.getConnection()) {
      // the test database turns synchronous commit off for everything; the studio's own runs on
      c.createStatement().execute("SET synchronous_commit = on");
      c.setAutoCommit(false);
      UUID token = UUID.randomUUID();
      try (PreparedStatement ps = c.prepareStatement(queue.claimStatement())) {
        ps.setString(1, "w");
        ps.setObject(2, token);
        ps.executeQuery().close();
      }
      assertEquals("off", synchronousCommit(c), "the claim's own transaction");
      c.commit();
      assertEquals("on", synchronousCommit(c), "the connection's next transaction");
      try (PreparedStatement ps = c.prepareStatement(queue.heartbeatStatement())) {
        ps.setLong(1, id);
        ps.setObject(2, token);
        assertTrue(ps.executeQuery().next(), "the heartbeat renewed the claim's lease");
      }
      assertEquals("off", synchronousCommit(c), "a heartbeat");
      c.commit();
      try (PreparedStatement ps = c.prepareStatement(queue.progressStatement())) {
        ps.setString(1, "decoder");
        ps.setInt(2, 1);
        ps.setInt(3, 2);
        ps.setFloat(4, 0.5f);
        ps.setBytes(5, null);
        ps.setObject(6, 1000.0, Types.DOUBLE);
        ps.setLong(7, id);
        ps.setObject(8, token);
        assertTrue(ps.executeQuery().next(), "the progress report was stored");
      }
      assertEquals("off", synchronousCommit(c), "a progress report");
      c.commit();
      assertEquals("on", synchronousCommit(c));
    }
    assertEquals("RUNNING", data.status(id));
  }

  @Test
  void aJobsResultsAreAnnouncedOnceAfterTheirCommitAndOtherChangesAsTheyCommit() throws Exception {
    long id = data.textJob(data.user("announced"), "announced");
    try (Connection listening = dataSource.getConnection();
        Connection other = dataSource.getConnection()) {
      listening.setAutoCommit(true);
      // a pooled connection may still listen on channels of an earlier user (job_queued, ...)
      listening.createStatement().execute("UNLISTEN *; LISTEN job_changed");
      ClaimedJob job = queue.claim("w").orElseThrow();
      assertEquals(List.of(Long.toString(id)), announcedUntilSentinel(listening, other), "claim");
      // the results' commit holds no notification of its own (V11): only the one sent after it
      // arrives, where the trigger's would have been a second, as the two commit separately
      assertTrue(queue.complete(job.lease(), List.of()));
      assertEquals(List.of(Long.toString(id)), announcedUntilSentinel(listening, other), "results");
      assertEquals("SUCCEEDED", data.status(id));
      listening.createStatement().execute("UNLISTEN *");
    }
  }

  @Test
  void aBatchsResultsAreStoredTogetherPassingOverAJobStoppedMeanwhile() {
    CurrentUser owner = data.user("batcher");
    long first = data.textJob(owner, "first");
    long cancelled = data.textJob(owner, "cancelled");
    long third = data.textJob(owner, "third");
    ClaimedJob a = queue.claim("w").orElseThrow();
    ClaimedJob b = queue.claim("w").orElseThrow();
    ClaimedJob c = queue.claim("w").orElseThrow();
    assertEquals(
        List.of(first, cancelled, third), List.of(a, b, c).stream().map(this::id).toList());
    assertEquals(CancelOutcome.REQUESTED, queue.cancel(cancelled));
    List<JobResults> results =
        List.of(
            new JobResults(a.lease(), List.of(image(0), image(1))),
            new JobResults(b.lease(), List.of(image(0))),
            new JobResults(c.lease(), List.of(image(0))));

    assertEquals(Set.of(first, third), queue.completeAll(results));
    assertEquals(2, sql.count("image WHERE job_id = " + first));
    assertEquals(0, sql.count("image WHERE job_id = " + cancelled));
    assertEquals(1, sql.count("image WHERE job_id = " + third));
    assertEquals("SUCCEEDED", data.status(first));
    assertEquals("RUNNING", data.status(cancelled));
    assertEquals("SUCCEEDED", data.status(third));
    // a retry after a commit whose answer was lost writes nothing
    assertEquals(Set.of(), queue.completeAll(results));
    assertEquals(3, sql.count("image WHERE job_id IN (" + first + ", " + third + ")"));
    assertThrows(
        IllegalArgumentException.class,
        () -> queue.completeAll(List.of(results.get(0), results.get(0))));
  }

  @Test
  void aBatchIsStoredWholeOrNotAtAll() {
    CurrentUser owner = data.user("atomic");
    long first = data.textJob(owner, "first");
    long second = data.textJob(owner, "second");
    ClaimedJob a = queue.claim("w").orElseThrow();
    ClaimedJob b = queue.claim("w").orElseThrow();
    ResultImage broken =
        new ResultImage(0, 42, 64, 64, "not json", null, null, new byte[] {1}, new byte[] {2});
    List<JobResults> results =
        List.of(
            new JobResults(a.lease(), List.of(image(0))),
            new JobResults(b.lease(), List.of(broken)));

    QueueException failure = assertThrows(QueueException.class, () -> queue.completeAll(results));
    assertTrue(failure.getMessage().contains(first + ", " + second), failure.getMessage());
    assertEquals(0, sql.count("image WHERE job_id IN (" + first + ", " + second + ")"));
    assertEquals(
        "RUNNING", data.status(first), "the first job's results went back with the second's");
    assertEquals("RUNNING", data.status(second));
    assertEquals(
        Set.of(first),
        queue.completeAll(List.of(results.get(0))),
        "the same lease stores once the batch's transaction is gone");
  }

  @Test
  void aBatchsResultsAreAnnouncedAfterTheirOneCommit() throws Exception {
    CurrentUser owner = data.user("announced-batch");
    long first = data.textJob(owner, "first");
    long second = data.textJob(owner, "second");
    try (Connection listening = dataSource.getConnection();
        Connection other = dataSource.getConnection()) {
      listening.setAutoCommit(true);
      listening.createStatement().execute("UNLISTEN *; LISTEN job_changed");
      ClaimedJob a = queue.claim("w").orElseThrow();
      ClaimedJob b = queue.claim("w").orElseThrow();
      announcedUntilSentinel(listening, other); // the claims'
      queue.completeAll(
          List.of(new JobResults(a.lease(), List.of()), new JobResults(b.lease(), List.of())));
      assertEquals(
          List.of(Long.toString(first), Long.toString(second)),
          announcedUntilSentinel(listening, other).stream().sorted().toList());
      listening.createStatement().execute("UNLISTEN *");
    }
  }

  private long id(ClaimedJob job) {
    return job.lease().jobId();
  }

  /**
   * The job_changed payloads delivered before a sentinel sent now: notifications arrive in commit
   * order, so these are all the ones committed before this call.
   */
  private static List<String> announcedUntilSentinel(Connection listening, Connection other)
      throws SQLException {
    other.setAutoCommit(true);
    other.createStatement().execute("NOTIFY job_changed, 'sentinel'");
    List<String> payloads = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    PGConnection pg = listening.unwrap(PGConnection.class);
    while (System.nanoTime() < deadline) {
      PGNotification[] arrived = pg.getNotifications(1_000);
      for (PGNotification n : arrived == null ? new PGNotification[0] : arrived) {
        if (!n.getName().equals("job_changed")) {
          continue; // sent before the UNLISTEN reached the server
        }
        if (n.getParameter().equals("sentinel")) {
          return payloads;
        }
        payloads.add(n.getParameter());
      }
    }
    throw new AssertionError("no sentinel within 30 s; got " + payloads);
  }

  private static String synchronousCommit(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static boolean readsJobs(JsonNode node) {
    return ClaimPlan.flatten(node).stream()
        .anyMatch(n -> "job".equals(n.path("Relation Name").asText()));
  }

  private static ResultImage image(int index) {
    return new ResultImage(
        index, 42, 64, 64, "{}", null, new float[] {1f, 2f}, new byte[] {1}, new byte[] {2});
  }
}
