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
import java.util.List;
import java.util.Optional;
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
   * The claim, parameters 1 (worker name), 2 (lease token) and, {@code byPack}, 3 (the packs). One
   * ORDER BY over job joined to app_user cannot be served by any index (the order mixes both
   * tables), so PostgreSQL would sort every queued job on each claim. Instead {@code heads} finds
   * the oldest queued job of each (user, priority) pair by skipping through {@code
   * job_claim_by_owner}, one or two index probes per pair; {@code next} sorts those few pairs into
   * claim order and takes, pair by pair, the first job it can lock, stopping at the first. The cost
   * follows the number of users with queued jobs (and the priorities they use), never the number of
   * queued jobs or of idle accounts. The pack filter sits in the lock's lookup, beside run_after:
   * the pairs and their order are the same for every worker, and a pair with no job of the worker's
   * packs only costs that user's queued jobs at that priority (capped per user).
   *
   * <p>With {@code batchImages} above 1, {@code mates} walks the same pairs in the same order and
   * locks up to {@code batchImages − 1} jobs that can share an engine batch with the first ({@link
   * #claimBatch}), then keeps those whose running total of images still fits beside the first
   * job's; each gets a fresh token of its own. (The others it locked are free again when the claim
   * commits.)
   */
  String claimStatement(boolean byPack, int batchImages) {
    int batchSize = batchImages; // every job has at least one image
    String byPacks =
        byPack ? "AND pack_name = ANY(?)                                     -- 3: the packs" : "";
    String mates =
        batchSize == 1
            ? ""
            : """
        , mates AS (
            -- jobs that sample alike (the engine batches text-to-image only): same pack, kind and settings,
            -- as long as their images fit in the batch beside the first job's
            SELECT id, owner_id FROM (
                -- the running total over the few rows taken below, in their order: a window over the join itself
                -- would make PostgreSQL read every user's candidates before the LIMIT could stop it
                SELECT id, owner_id, sum(image_count) OVER (ORDER BY p DESC, s ASC NULLS FIRST, hc, hid, mc, mid) AS images
                FROM (
                    SELECT m.id, m.owner_id, m.image_count,
                           c.priority AS p, c.last_served_at AS s, c.created_at AS hc, c.id AS hid,
                           m.created_at AS mc, m.id AS mid
                    FROM %1$s c
                         CROSS JOIN next h,
                         LATERAL (
                             SELECT id, owner_id, created_at, image_count FROM job
                             WHERE owner_id = c.owner_id AND priority = c.priority AND status = 'QUEUED' AND run_after <= %2$s
                                   AND id <> h.id AND h.kind = 'TEXT_TO_IMAGE'
                                   -- one opaque condition: PostgreSQL guesses it keeps half the rows, so it reads the
                                   -- queued jobs' index in order and stops early; the separate conditions it guesses at
                                   -- almost no rows, and it would rather fetch and sort all of the user's jobs, finished
                                   -- ones included
                                   AND CASE WHEN kind = h.kind AND pack_name = h.pack_name
                                             AND params -> 'priorSteps' IS NOT DISTINCT FROM h.params -> 'priorSteps'
                                             AND params -> 'priorGuidanceScale' IS NOT DISTINCT FROM h.params -> 'priorGuidanceScale'
                                             AND params -> 'decoderSteps' IS NOT DISTINCT FROM h.params -> 'decoderSteps'
                                             AND params -> 'decoderGuidanceScale' IS NOT DISTINCT FROM h.params -> 'decoderGuidanceScale'
                                            THEN TRUE ELSE FALSE END
                             ORDER BY created_at, id
                             LIMIT %3$d
                             FOR UPDATE SKIP LOCKED) m
                    ORDER BY c.priority DESC, c.last_served_at ASC NULLS FIRST, c.created_at, c.id, m.created_at, m.id
                    LIMIT %3$d
                ) taken
            ) candidates
            WHERE images <= %4$d - (SELECT image_count FROM next)
        )
        """
                .formatted(CLAIM_ORDER, clock.now(), batchSize - 1, batchImages);
    String picked =
        batchSize == 1 ? "next" : "(SELECT id FROM next UNION ALL SELECT id FROM mates)";
    String servedUsers =
        batchSize == 1
            ? "(SELECT owner_id FROM next)"
            : "(SELECT owner_id FROM next UNION SELECT owner_id FROM mates)";
    String token =
        batchSize == 1
            ? "(SELECT token FROM claimant)"
            : "CASE WHEN job.id = (SELECT id FROM next) THEN (SELECT token FROM claimant) ELSE gen_random_uuid() END";
    return """
        WITH RECURSIVE claimant AS (
            SELECT ?::varchar AS worker,                                  -- 1: worker name
                   ?::uuid AS token                                       -- 2: fresh lease token
        ), %9$s, heads AS (
            (SELECT owner_id, priority, created_at, id FROM job WHERE status = 'QUEUED'
             ORDER BY owner_id, priority DESC, created_at, id LIMIT 1)
          UNION ALL
            -- after a pair: the same user's next lower priority, or else the next user
            SELECT n.owner_id, n.priority, n.created_at, n.id
            FROM heads h, LATERAL (
                (SELECT owner_id, priority, created_at, id FROM job
                 WHERE status = 'QUEUED' AND owner_id = h.owner_id AND priority < h.priority
                 ORDER BY owner_id, priority DESC, created_at, id LIMIT 1)
                UNION ALL
                (SELECT owner_id, priority, created_at, id FROM job
                 WHERE status = 'QUEUED' AND owner_id > h.owner_id
                 ORDER BY owner_id, priority DESC, created_at, id LIMIT 1)
                LIMIT 1) n
        ), next AS (
            -- pairs in claim order (ties between users broken by their oldest job, as one sort of all jobs would);
            -- the nested loop locks in that order and stops at the first job it gets. The lookup re-checks status
            -- and run_after on the row it locks, so a job another claim took meanwhile is skipped, not taken twice
            SELECT j.id, j.owner_id, j.kind, j.pack_name, j.params, j.image_count
            FROM %4$s c,
                 LATERAL (
                     SELECT id, owner_id, kind, pack_name, params, image_count FROM job
                     WHERE owner_id = c.owner_id AND priority = c.priority AND status = 'QUEUED' AND run_after <= %1$s
                           %3$s
                     ORDER BY created_at, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED) j
            ORDER BY c.priority DESC, c.last_served_at ASC NULLS FIRST, c.created_at, c.id
            LIMIT 1
        )%5$s, served AS (
            UPDATE app_user SET last_served_at = clock_timestamp() WHERE id IN %7$s
        )
        UPDATE job SET status = 'RUNNING',
                       lease_owner = (SELECT worker FROM claimant),
                       lease_token = %8$s,
                       lease_expires_at = %1$s + interval '%2$d milliseconds',
                       attempts = attempts + 1,
                       started_at = %1$s,
                       stage = NULL, step = NULL, stage_steps = NULL, progress = 0, error = NULL, eta_at = NULL,
                       updated_at = %1$s
        FROM %6$s picked, async_commit WHERE job.id = picked.id
        RETURNING job.id, job.owner_id, job.kind, job.pack_name, job.params::text, job.attempts,
                  (extract(epoch FROM %1$s - job.created_at) * 1000)::bigint, job.lease_token
        """
        .formatted(
            clock.now(),
            config.queue().lease().toMillis(),
            byPacks,
            CLAIM_ORDER,
            mates,
            picked,
            servedUsers,
            token,
            ASYNC_COMMIT);
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
   * The (user, priority) pairs of {@code heads}, each with its user's last service, in claim order.
   */
  private static final String CLAIM_ORDER =
      """
      (SELECT h.owner_id, h.priority, h.created_at, h.id,
              (SELECT last_served_at FROM app_user u WHERE u.id = h.owner_id) AS last_served_at
       FROM heads h
       ORDER BY priority DESC, last_served_at ASC NULLS FIRST, created_at, id)""";

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
    String finish =
        """
        UPDATE job SET status = 'SUCCEEDED', progress = 1, finished_at = %1$s, updated_at = %1$s,
                       lease_token = NULL, lease_expires_at = NULL, preview = NULL
        WHERE id = ? AND lease_token = ? AND status = 'RUNNING' AND NOT cancel_requested
        RETURNING owner_id, prompt
        """
            .formatted(clock.now());
    String insertImage =
        """
        INSERT INTO image (job_id, owner_id, index_in_job, seed, width, height, prompt, params, source_image_id, embedding)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id
        """;
    String insertData = "INSERT INTO image_data (image_id, png, thumbnail) VALUES (?, ?, ?)";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long ownerId;
        String prompt;
        try (PreparedStatement ps = c.prepareStatement(finish)) {
          ps.setLong(1, lease.jobId());
          ps.setObject(2, lease.token());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              c.rollback();
              return false;
            }
            ownerId = rs.getLong(1);
            prompt = rs.getString(2);
          }
        }
        try (PreparedStatement img = c.prepareStatement(insertImage);
            PreparedStatement data = c.prepareStatement(insertData)) {
          for (ResultImage image : images) {
            img.setLong(1, lease.jobId());
            img.setLong(2, ownerId);
            img.setInt(3, image.index());
            img.setLong(4, image.seed());
            img.setInt(5, image.width());
            img.setInt(6, image.height());
            img.setString(7, prompt);
            img.setString(8, image.paramsJson());
            img.setObject(9, image.sourceImageId());
            img.setArray(
                10,
                image.embedding() == null
                    ? null
                    : c.createArrayOf("real", boxed(image.embedding())));
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
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not store the results of job " + lease.jobId(), e);
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
