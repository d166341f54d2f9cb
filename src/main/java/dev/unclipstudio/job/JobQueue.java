package dev.unclipstudio.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.time.DatabaseClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The durable job queue: claim, lease, heartbeat, progress, results, cancel and rescue, all on the
 * {@code job} table.
 *
 * <p>Each method is one short transaction of its own, so no transaction is ever open while a worker
 * computes. Every write a worker makes is fenced by its lease token: execution is at-least-once,
 * results appear exactly once.
 *
 * <p>Claims, heartbeats and progress commit without waiting for their WAL flush ({@link
 * #ASYNC_COMMIT}): a PostgreSQL crash may lose the last few hundred milliseconds of them, and
 * fencing makes that harmless. A lost claim leaves the job queued under no token, so the worker
 * that ran it is refused its next heartbeat and its results, and another worker runs the job; a
 * lost heartbeat or progress row is renewed by the next one. Results, failures, cancellation and
 * submissions wait for the flush as usual, and each such commit makes the earlier ones durable too
 * (the WAL is one sequence).
 */
@ApplicationScoped
public class JobQueue {

  private static final Logger LOG = Logger.getLogger(JobQueue.class);

  private final DataSource dataSource;
  private final StudioConfig config;
  private final DatabaseClock clock;
  private final ObjectMapper json;
  private final Counter rescuedCounter;

  JobQueue(
      DataSource dataSource,
      StudioConfig config,
      DatabaseClock clock,
      ObjectMapper json,
      MeterRegistry metrics) {
    this.rescuedCounter =
        Counter.builder("studio.jobs.rescued")
            .description(
                "Jobs returned to the queue (or failed) because their worker stopped renewing the lease")
            .register(metrics);
    this.dataSource = dataSource;
    this.config = config;
    this.clock = clock;
    this.json = json;
  }

  /**
   * Leases the next job of one of {@code packs} (the packs the worker has open), or nothing. Order:
   * priority, then the user served least recently (round robin across users), then age. SKIP LOCKED
   * lets any number of workers claim at once without waiting on each other.
   */
  public Optional<ClaimedJob> claim(String workerName, Collection<String> packs) {
    return claim(claimStatement(true, 1), workerName, packs).stream().findFirst();
  }

  /** As above, for a job of any pack: for tools and tests that run no model. */
  public Optional<ClaimedJob> claim(String workerName) {
    return claim(claimStatement(), workerName, null).stream().findFirst();
  }

  /**
   * Leases the next job as {@link #claim(String, Collection)} does and, in the same statement, more
   * jobs that can run in one engine batch with it while the images of all of them stay within
   * {@code batchImages}: queued text-to-image jobs of the same pack with the same prior and decoder
   * settings (prompts, seeds and image counts may differ). The budget is in images because an
   * engine batch costs memory by its images, not its jobs; the first job is taken whatever its
   * size. Each job gets a lease and token of its own. The first job is the one a single claim would
   * get; the others are taken user by user in the same fair order, each user's oldest first, up to
   * the first that does not fit. Returns the first job first; empty when nothing is claimable.
   */
  public List<ClaimedJob> claimBatch(String workerName, Collection<String> packs, int batchImages) {
    if (batchImages < 1) {
      throw new IllegalArgumentException("a batch holds at least 1 image: " + batchImages);
    }
    return claim(claimStatement(packs != null, batchImages), workerName, packs);
  }

  private List<ClaimedJob> claim(String sql, String workerName, Collection<String> packs) {
    UUID token = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, workerName);
      ps.setObject(2, token);
      if (packs != null) {
        ps.setArray(3, c.createArrayOf("text", packs.toArray()));
      }
      List<ClaimedJob> claimed = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ClaimedJob job =
              new ClaimedJob(
                  new Lease(rs.getLong(1), rs.getObject(8, UUID.class), workerName),
                  rs.getLong(2),
                  JobKind.valueOf(rs.getString(3)),
                  rs.getString(4),
                  json.readValue(rs.getString(5), JobParams.class),
                  rs.getInt(6),
                  Duration.ofMillis(rs.getLong(7)));
          // the first job (the one a single claim takes) first
          claimed.add(token.equals(job.lease().token()) ? 0 : claimed.size(), job);
        }
      }
      return claimed;
    } catch (SQLException | JsonProcessingException e) {
      throw new QueueException("Could not claim a job", e);
    }
  }

  /** The claim of a job of any pack, parameters 1 (worker name) and 2 (lease token). */
  String claimStatement() {
    return claimStatement(false);
  }

  /** The claim of one job, parameters as below. */
  String claimStatement(boolean byPack) {
    return claimStatement(byPack, 1);
  }

  /**
   * The claim, parameters 1 (worker name), 2 (lease token) and, {@code byPack}, 3 (the packs).
   *
   * <p>Claim order is priority first, then the user served least recently (round robin across
   * users; never served first, ties by user id), then the user's oldest job. No single index can
   * serve that order (it mixes job and app_user columns), so the statement walks two small ones:
   * {@code levels} steps through the priorities that have queued jobs, highest first (one probe of
   * {@code job_claimable} each; usually there is one level), and at each level {@link #turn} walks
   * the users with queued jobs ({@code app_user.queued_jobs}, kept by trigger, V10) in fair-share
   * order through {@code app_user_turn}, looking up each one's oldest job at that level through
   * {@code job_claim_by_owner}, and stops at the first job it can lock. A claim thus reads a few
   * index entries whether 10 or 100,000 jobs wait and however many users wait; only users with no
   * job this worker may run now (in backoff, of packs it lacks, locked) are walked past.
   *
   * <p>The user's row is locked too (SKIP LOCKED), which spreads concurrent claims over users: a
   * second claim passes over a user another claim is serving instead of taking that user's next job
   * and queueing on the row's lock, and every app_user row a claim writes is one it holds already,
   * so a claim never waits on a lock. (V10's trigger writes it: the count, and the user marked
   * served, as each claimed job leaves the queue.)
   *
   * <p>With {@code batchImages} above 1, {@code mates} walks the same levels and users in the same
   * order and locks up to {@code batchImages − 1} jobs that can share an engine batch with the
   * first ({@link #claimBatch}), then keeps those whose running total of images still fits beside
   * the first job's; each gets a fresh token of its own. (The others it locked are free again when
   * the claim commits.)
   */
  String claimStatement(boolean byPack, int batchImages) {
    int batchSize = batchImages; // every job has at least one image
    String byPacks = byPack ? "AND pack_name = ANY((SELECT packs FROM claimant)::text[])" : "";
    String due = "status = 'QUEUED' AND run_after <= " + clock.now();
    String runnable = due + " " + byPacks;
    String mates =
        batchSize == 1
            ? ""
            : """
        , mates AS (
            -- jobs that sample alike (the engine batches text-to-image only): same pack, kind and settings,
            -- as long as their images fit in the batch beside the first job's
            SELECT id, owner_id FROM (
                SELECT id, owner_id, sum(image_count) OVER (ORDER BY p DESC, s ASC NULLS FIRST, uid, mc, mid) AS images
                FROM (
                    -- the first rows of the walk (levels, users in turn, each user's oldest first): no ORDER BY
                    -- here, which would make PostgreSQL read and lock every candidate before the LIMIT; the
                    -- running total above orders the few rows taken by the same keys
                    SELECT x.id, x.owner_id, x.image_count, l.priority AS p, x.s, x.uid, x.created_at AS mc, x.id AS mid
                    FROM next h
                         CROSS JOIN levels l,
                         LATERAL (%1$s) x
                    WHERE h.kind = 'TEXT_TO_IMAGE' AND l.priority IS NOT NULL
                    LIMIT %2$d
                ) taken
            ) candidates
            WHERE images <= %3$d - (SELECT image_count FROM next)
        )
        """
                .formatted(
                    turn(
                        "m.id, m.owner_id, m.image_count, m.created_at, u.last_served_at AS s, u.id AS uid",
                        "SELECT id, owner_id, image_count, created_at FROM job",
                        mateCondition(due),
                        batchSize - 1),
                    batchSize - 1,
                    batchImages);
    String picked =
        batchSize == 1 ? "next" : "(SELECT id FROM next UNION ALL SELECT id FROM mates)";
    String token =
        batchSize == 1
            ? "(SELECT token FROM claimant)"
            : "CASE WHEN job.id = (SELECT id FROM next) THEN (SELECT token FROM claimant) ELSE gen_random_uuid() END";
    return """
        WITH RECURSIVE claimant AS (
            SELECT ?::varchar AS worker,                                  -- 1: worker name
                   ?::uuid AS token                                       -- 2: fresh lease token
                   %9$s
        ), %7$s, levels AS (
            -- the priorities of queued jobs, highest first, read lazily: the walk below stops at the first
            -- level where it locks a job
            (SELECT priority FROM job WHERE status = 'QUEUED' ORDER BY priority DESC LIMIT 1)
          UNION ALL
            SELECT (SELECT j.priority FROM job j WHERE j.status = 'QUEUED' AND j.priority < l.priority
                    ORDER BY j.priority DESC LIMIT 1)
            FROM levels l WHERE l.priority IS NOT NULL
        ), next AS (
            SELECT x.id, x.owner_id, x.kind, x.pack_name, x.params, x.image_count
            FROM levels l,
                 LATERAL (%3$s) x
            WHERE l.priority IS NOT NULL
            LIMIT 1
        )%4$s
        UPDATE job SET status = 'RUNNING',
                       lease_owner = (SELECT worker FROM claimant),
                       lease_token = %6$s,
                       lease_expires_at = %1$s + interval '%8$d milliseconds',
                       attempts = attempts + 1,
                       started_at = %1$s,
                       stage = NULL, step = NULL, stage_steps = NULL, progress = 0, error = NULL, eta_at = NULL,
                       updated_at = %1$s
        FROM %5$s picked, async_commit WHERE job.id = picked.id
        RETURNING job.id, job.owner_id, job.kind, job.pack_name, job.params::text, job.attempts,
                  (extract(epoch FROM %1$s - job.created_at) * 1000)::bigint, job.lease_token
        """
        .formatted(
            clock.now(),
            runnable,
            turn(
                "m.id, m.owner_id, m.kind, m.pack_name, m.params, m.image_count",
                "SELECT id, owner_id, kind, pack_name, params, image_count FROM job",
                runnable,
                1),
            mates,
            picked,
            token,
            ASYNC_COMMIT,
            config.queue().lease().toMillis(),
            byPack
                ? ", ?::text[] AS packs                                   -- 3: the worker's packs"
                : "");
  }

  /**
   * A queued job that can share an engine batch with {@code h}, the claim's first job: same kind,
   * pack and prior/decoder settings (prompts, seeds and image counts may differ), among the jobs
   * {@code due} now.
   */
  private static String mateCondition(String due) {
    return """
        %s AND id <> h.id
        -- one opaque condition: PostgreSQL guesses it keeps half the rows, so it reads the queued jobs' index in
        -- order and stops early; the separate conditions it guesses at almost no rows, and it would rather fetch
        -- and sort all of the user's jobs
        AND CASE WHEN kind = h.kind AND pack_name = h.pack_name
                  AND params -> 'priorSteps' IS NOT DISTINCT FROM h.params -> 'priorSteps'
                  AND params -> 'priorGuidanceScale' IS NOT DISTINCT FROM h.params -> 'priorGuidanceScale'
                  AND params -> 'decoderSteps' IS NOT DISTINCT FROM h.params -> 'decoderSteps'
                  AND params -> 'decoderGuidanceScale' IS NOT DISTINCT FROM h.params -> 'decoderGuidanceScale'
                 THEN TRUE ELSE FALSE END"""
        .formatted(due);
  }

  /**
   * At level {@code l.priority}: the first user in fair-share order whose oldest jobs meeting
   * {@code condition} it can lock (at most {@code limit} of them), with those jobs. The LIMIT sits
   * beside the ORDER BY so that PostgreSQL plans the walk to stop early: it reads {@code
   * app_user_turn} in order and looks up each user's jobs until it has its rows, instead of looking
   * up every waiting user and sorting. A job row is re-checked once locked, so a job another claim
   * took meanwhile is skipped; a user row another claim holds is skipped too (with the job locked
   * for it, which that claim then passes over for the user's next one).
   */
  private static String turn(String columns, String lookup, String condition, int limit) {
    return """
        SELECT %1$s FROM app_user u,
               LATERAL (%2$s
                        WHERE owner_id = u.id AND priority = l.priority AND %3$s
                        ORDER BY created_at, id
                        LIMIT %4$d
                        FOR UPDATE SKIP LOCKED) m
        WHERE u.queued_jobs > 0
        ORDER BY u.last_served_at ASC NULLS FIRST, u.id
        LIMIT %4$d
        FOR UPDATE OF u SKIP LOCKED"""
        .formatted(columns, lookup, condition, limit);
  }

  /**
   * A CTE that makes the statement's transaction commit without waiting for the WAL flush (see the
   * class comment for why that is safe for the writes that use it); a statement joins it in its
   * FROM list, so it is evaluated before the statement writes a row (one that writes none has no
   * flush to wait for). Transaction-local: the pooled connection's next transaction waits again.
   */
  static final String ASYNC_COMMIT =
      "async_commit AS (SELECT set_config('synchronous_commit', 'off', true))";

  /**
   * Extends the lease. Returns the job's state as the worker should see it: lost, cancel requested,
   * or fine.
   */
  public LeaseState heartbeat(Lease lease) {
    return fencedState(heartbeatStatement(), lease);
  }

  /** The heartbeat, parameters 1 (job id) and 2 (lease token). */
  String heartbeatStatement() {
    return """
        WITH %3$s
        UPDATE job SET lease_expires_at = %1$s + interval '%2$d milliseconds', updated_at = %1$s
        FROM async_commit
        WHERE id = ? AND lease_token = ? AND status = 'RUNNING'
        RETURNING cancel_requested
        """
        .formatted(clock.now(), config.queue().lease().toMillis(), ASYNC_COMMIT);
  }

  /**
   * Records progress, the time left ({@code remaining}, null while unknown: its end is stored as
   * {@code eta_at} on the database's clock) and, when given, a preview PNG. Same answer as {@link
   * #heartbeat}.
   */
  public LeaseState reportProgress(
      Lease lease,
      String stage,
      int step,
      int stageSteps,
      double progress,
      Duration remaining,
      byte[] preview) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(progressStatement())) {
      ps.setString(1, stage);
      ps.setInt(2, step);
      ps.setInt(3, stageSteps);
      ps.setFloat(4, (float) progress);
      ps.setBytes(5, preview);
      ps.setObject(6, remaining == null ? null : (double) remaining.toMillis(), Types.DOUBLE);
      ps.setLong(7, lease.jobId());
      ps.setObject(8, lease.token());
      return readState(ps);
    } catch (SQLException e) {
      throw new QueueException("Could not record progress of job " + lease.jobId(), e);
    }
  }

  /**
   * The progress report, parameters 1–6 (stage, step, steps of the stage, progress, preview, time
   * left in milliseconds), 7 (job id) and 8 (lease token).
   */
  String progressStatement() {
    return """
        WITH %2$s
        UPDATE job SET stage = ?, step = ?, stage_steps = ?, progress = ?, preview = coalesce(?, preview),
                       eta_at = %1$s + ? * interval '1 millisecond',   -- 6: null while unknown
                       updated_at = %1$s
        FROM async_commit
        WHERE id = ? AND lease_token = ? AND status = 'RUNNING'
        RETURNING cancel_requested
        """
        .formatted(clock.now(), ASYNC_COMMIT);
  }

  /**
   * Writes the images and SUCCEEDED in one transaction. Returns false, writing nothing, when the
   * lease was lost (another worker owns the job now, or it was cancelled).
   */
  public boolean complete(Lease lease, List<ResultImage> images) {
    return !completeAll(List.of(new JobResults(lease, images))).isEmpty();
  }

  /**
   * Stores the results of several jobs, each fenced by its own lease, in one transaction: the jobs
   * of one engine batch finish together, and one commit waits for one WAL flush where a commit per
   * job would wait for one each. A job whose lease was lost (taken over, cancelled) is passed over
   * and the others are stored. Returns the ids of the jobs stored. One transaction also means that
   * the batch is stored whole or not at all when the database fails meanwhile, so that a retry
   * finds each job as it was.
   */
  public Set<Long> completeAll(List<JobResults> results) {
    Map<Long, JobResults> byJob = new LinkedHashMap<>();
    for (JobResults r : results) {
      if (byJob.put(r.lease().jobId(), r) != null) {
        throw new IllegalArgumentException("job " + r.lease().jobId() + " is listed twice");
      }
    }
    if (byJob.isEmpty()) {
      return Set.of();
    }
    String finish =
        """
        WITH %2$s
        UPDATE job SET status = 'SUCCEEDED', progress = 1, finished_at = %1$s, updated_at = %1$s,
                       lease_token = NULL, lease_expires_at = NULL, preview = NULL
        FROM announced_after_commit
        -- each job by its primary key; a token belongs to one job's lease only, so matching any of the
        -- tokens is matching the job's own
        WHERE job.id = ANY(?::bigint[]) AND job.lease_token = ANY(?::uuid[]) AND job.status = 'RUNNING'
          AND NOT job.cancel_requested
        RETURNING job.id, job.owner_id, job.prompt
        """
            .formatted(clock.now(), ANNOUNCED_AFTER_COMMIT);
    String insertImage =
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, prompt, params, source_image_id, embedding)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id
        """;
    String insertData = "INSERT INTO image_data (image_id, png, thumbnail) VALUES (?, ?, ?)";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      Set<Long> stored = new LinkedHashSet<>();
      try {
        List<Finished> finished = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(finish)) {
          ps.setArray(1, c.createArrayOf("bigint", byJob.keySet().toArray()));
          ps.setArray(
              2,
              c.createArrayOf(
                  "uuid", byJob.values().stream().map(r -> r.lease().token()).toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              finished.add(new Finished(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
          }
        }
        try (PreparedStatement img = c.prepareStatement(insertImage);
            PreparedStatement data = c.prepareStatement(insertData)) {
          for (Finished job : finished) {
            insertImages(c, img, data, job, byJob.get(job.id()).images());
            stored.add(job.id());
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
      announceChanges(c, stored);
      return stored;
    } catch (SQLException e) {
      throw new QueueException(
          (byJob.size() == 1
                  ? "Could not store the results of job "
                  : "Could not store the results of jobs ")
              + String.join(", ", byJob.keySet().stream().map(String::valueOf).toList()),
          e);
    }
  }

  /** A job the results' statement marked SUCCEEDED, with what its images repeat of it. */
  private record Finished(long id, long ownerId, String prompt) {}

  private static void insertImages(
      Connection c,
      PreparedStatement img,
      PreparedStatement data,
      Finished job,
      List<ResultImage> images)
      throws SQLException {
    for (ResultImage image : images) {
      img.setLong(1, job.id());
      img.setLong(2, job.ownerId());
      img.setInt(3, image.index());
      img.setLong(4, image.seed());
      img.setInt(5, image.width());
      img.setInt(6, image.height());
      img.setString(7, job.prompt());
      img.setString(8, image.paramsJson());
      img.setObject(9, image.sourceImageId());
      img.setArray(
          10, image.embedding() == null ? null : c.createArrayOf("real", boxed(image.embedding())));
      long imageId;
      try (ResultSet rs = img.executeQuery()) {
        rs.next();
        imageId = rs.getLong(1);
      }
      data.setLong(1, imageId);
      data.setBytes(2, image.png());
      data.setBytes(3, image.thumbnail());
      data.executeUpdate();
    }
  }

  /**
   * A CTE that keeps V11's job_changed trigger quiet for the statement's transaction: the writer
   * announces the change itself after the commit ({@link #announceChange}), so that its commit does
   * not hold PostgreSQL's notification lock while it waits for its WAL flush.
   */
  static final String ANNOUNCED_AFTER_COMMIT =
      "announced_after_commit AS (SELECT set_config('studio.job_changed', 'after-commit', true))";

  /**
   * What the job_changed trigger would have sent for each of {@code jobIds}, sent after the change
   * committed, in one transaction of its own that writes nothing (so it holds the notification lock
   * for no flush). Not sent if this instance dies or loses the database first: the progress
   * streams' slow re-read covers that, as it covers a notification missed while their listening
   * connection was down.
   */
  private static void announceChanges(Connection c, Collection<Long> jobIds) {
    if (jobIds.isEmpty()) {
      return;
    }
    try {
      c.setAutoCommit(true);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT pg_notify('job_changed', id::text) FROM unnest(?::bigint[]) id")) {
        ps.setArray(1, c.createArrayOf("bigint", jobIds.toArray()));
        ps.execute();
      }
    } catch (SQLException e) {
      // the change is committed: failing here would make the worker store its results again
      LOG.warnf(
          "Jobs %s changed, but their notifications could not be sent: %s", jobIds, e.getMessage());
    }
  }

  /**
   * Ends the job FAILED with a message for its owner. No retry: a job that fails by itself would
   * fail again.
   */
  public boolean fail(Lease lease, String error) {
    return finishFenced(lease, "FAILED", error);
  }

  /** Ends a job whose cancellation the worker has honoured. */
  public boolean markCancelled(Lease lease) {
    return finishFenced(lease, "CANCELLED", null);
  }

  /** Gives a job back to the queue unharmed (graceful shutdown): the attempt does not count. */
  public boolean release(Lease lease) {
    String sql =
        """
        UPDATE job SET status = 'QUEUED', attempts = greatest(attempts - 1, 0), lease_owner = NULL,
                       lease_token = NULL, lease_expires_at = NULL, stage = NULL, step = NULL, stage_steps = NULL,
                       progress = 0, updated_at = %1$s
        WHERE id = ? AND lease_token = ? AND status = 'RUNNING'
        """
            .formatted(clock.now());
    return updateFenced(sql, lease) && notifyQueued();
  }

  /**
   * Returns jobs whose lease expired (their worker died or hangs) to the queue after a backoff, or
   * ends them FAILED once they used up their attempts, so that a job that kills workers cannot
   * crash-loop the cluster.
   */
  public int rescueExpired() {
    String sql =
        """
        UPDATE job SET
            status = CASE WHEN cancel_requested THEN 'CANCELLED'
                          WHEN attempts >= max_attempts THEN 'FAILED' ELSE 'QUEUED' END,
            error = CASE WHEN NOT cancel_requested AND attempts >= max_attempts
                         THEN 'Gave up after ' || attempts || ' attempts: the worker running it stopped responding.'
                         ELSE error END,
            finished_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN %1$s END,
            run_after = %1$s + interval '%2$d milliseconds' * power(2, greatest(attempts - 1, 0)),
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
            stage = NULL, step = NULL, stage_steps = NULL, progress = 0, updated_at = %1$s
        WHERE status = 'RUNNING' AND lease_expires_at < %1$s
        """
            .formatted(clock.now(), config.queue().retryBackoff().toMillis());
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int rescued = ps.executeUpdate();
      rescuedCounter.increment(rescued);
      if (rescued > 0) {
        LOG.infof("Rescued %d job(s) whose worker stopped renewing its lease", rescued);
        notifyQueued();
      }
      return rescued;
    } catch (SQLException e) {
      throw new QueueException("Could not rescue expired jobs", e);
    }
  }

  /**
   * Cancels a job: a queued one at once, a running one by asking its worker (which stops within one
   * step). The caller has checked that the user may cancel it.
   */
  public CancelOutcome cancel(long jobId) {
    return cancel(jobId, null);
  }

  /**
   * {@link #cancel(long)}, telling the owner why: {@code reason} becomes the job's error and stays
   * when the worker ends it; null adds none.
   */
  public CancelOutcome cancel(long jobId, String reason) {
    String queued =
        """
        UPDATE job SET status = 'CANCELLED', error = coalesce(?, error), finished_at = %1$s, updated_at = %1$s
        WHERE id = ? AND status = 'QUEUED'
        """
            .formatted(clock.now());
    String running =
        """
        UPDATE job SET cancel_requested = TRUE, error = coalesce(?, error), updated_at = %1$s
        WHERE id = ? AND status = 'RUNNING'
        """
            .formatted(clock.now());
    try (Connection c = dataSource.getConnection()) {
      if (update(c, queued, reason, jobId) > 0) {
        return CancelOutcome.CANCELLED;
      }
      if (update(c, running, reason, jobId) > 0) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('job_cancel', ?)")) {
          ps.setString(1, Long.toString(jobId));
          ps.execute();
        }
        return CancelOutcome.REQUESTED;
      }
      return CancelOutcome.ALREADY_FINISHED;
    } catch (SQLException e) {
      throw new QueueException("Could not cancel job " + jobId, e);
    }
  }

  /**
   * Puts a FAILED or CANCELLED job back in the queue with fresh attempts, inside the caller's
   * transaction ({@link JobSubmission#retry} checks the limits first and sends the NOTIFY). The job
   * counts as requested now: {@code created_at} moves to now, so it joins the back of the queue and
   * today's image quota, as a new submission would.
   */
  boolean retry(Connection c, long jobId) throws SQLException {
    String sql =
        """
        UPDATE job SET status = 'QUEUED', attempts = 0, cancel_requested = FALSE, error = NULL, run_after = %1$s,
                       finished_at = NULL, started_at = NULL, stage = NULL, step = NULL, stage_steps = NULL,
                       progress = 0, preview = NULL, created_at = %1$s, updated_at = %1$s
        WHERE id = ? AND status IN ('FAILED', 'CANCELLED')
        """
            .formatted(clock.now());
    return update(c, sql, jobId) > 0;
  }

  /** The latest preview PNG of a job, or null. */
  public byte[] preview(long jobId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT preview FROM job WHERE id = ?")) {
      ps.setLong(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not read the preview of job " + jobId, e);
    }
  }

  /**
   * Wakes idle workers on every instance; they poll as well, so a lost notification only costs
   * latency.
   */
  public boolean notifyQueued() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("NOTIFY job_queued")) {
      ps.execute();
      return true;
    } catch (SQLException e) {
      LOG.warn("Could not notify workers; they will find the job by polling", e);
      return true;
    }
  }

  /** Ends the job; a null {@code error} keeps the one it has (an admin's reason for cancelling). */
  private boolean finishFenced(Lease lease, String status, String error) {
    String sql =
        """
        UPDATE job SET status = ?, error = coalesce(?, error), finished_at = %1$s, updated_at = %1$s,
                       lease_token = NULL, lease_expires_at = NULL
        WHERE id = ? AND lease_token = ? AND status = 'RUNNING'
        """
            .formatted(clock.now());
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, status);
      ps.setString(2, error);
      ps.setLong(3, lease.jobId());
      ps.setObject(4, lease.token());
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new QueueException("Could not end job " + lease.jobId(), e);
    }
  }

  private boolean updateFenced(String sql, Lease lease) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, lease.jobId());
      ps.setObject(2, lease.token());
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new QueueException("Could not update job " + lease.jobId(), e);
    }
  }

  private LeaseState fencedState(String sql, Lease lease) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, lease.jobId());
      ps.setObject(2, lease.token());
      return readState(ps);
    } catch (SQLException e) {
      throw new QueueException("Could not renew the lease of job " + lease.jobId(), e);
    }
  }

  private static LeaseState readState(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return LeaseState.LOST;
      }
      return rs.getBoolean(1) ? LeaseState.CANCEL_REQUESTED : LeaseState.HELD;
    }
  }

  private static int update(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      return ps.executeUpdate();
    }
  }

  private static int update(Connection c, String sql, String text, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, text);
      ps.setLong(2, id);
      return ps.executeUpdate();
    }
  }

  private static Float[] boxed(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
