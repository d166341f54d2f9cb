package dev.unclipstudio.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.time.DatabaseClock;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * Claims per second of the real {@link JobQueue} (a no-op job: claim, then store no images) against
 * the embedded PostgreSQL with fsync and synchronous commit on, at several queue depths and worker
 * threads. Every run starts from a freshly filled queue of that depth spread over 100 users; the
 * runs of a round go through every depth and thread count before the next round starts, so that a
 * slow spell of a shared machine spreads over all rows instead of spoiling one. Prints the median
 * of the rounds per row, and the claim's EXPLAIN ANALYZE at each depth. A program, not a test:
 * bench/claims.sh runs it in a JVM of its own.
 */
public final class ClaimBenchmark {

  /** Users the queue is spread over, every one with queued jobs. */
  private static final int USERS = Integer.getInteger("bench.users", 100);

  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final int[] DEPTHS = ints("bench.depths", "1000,10000,100000");
  private static final int[] THREADS = ints("bench.threads", "1,4,16");

  /**
   * Claims as a worker makes them: one job at a time ({@code claim}), and with the default batch
   * budget ({@code claimBatch}, 4 images: four of these one-image jobs per statement).
   */
  private static final int[] BATCH_IMAGES = ints("bench.batch-images", "1,4");

  /** Untimed passes over every batch size and thread count before the rounds ({@link #warmUp}). */
  private static final int WARM_UP_PASSES = Integer.getInteger("bench.warm-up-passes", 3);

  /** A run stops after this long even if it has not made its claims (the old claim is slow). */
  private static final long RUN_NANOS = 4_000_000_000L;

  private ClaimBenchmark() {}

  /** A list of numbers from a system property, for a quick run of a few rows. */
  private static int[] ints(String property, String defaults) {
    return Arrays.stream(System.getProperty(property, defaults).split(","))
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("claim-bench");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.toFile())
                // zonky turns durability off by default; a claim is a commit, and commits cost
                // fsyncs
                .setServerConfig("fsync", "on")
                // on unless asked (bench.synchronous-commit=off shows what the flushes cost)
                .setServerConfig(
                    "synchronous_commit", System.getProperty("bench.synchronous-commit", "on"))
                .setServerConfig("full_page_writes", "on")
                .start();
        AgroalDataSource db = pool(pg.getJdbcUrl("postgres", "postgres"))) {
      Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
      execute(
          db,
          "INSERT INTO app_user (username, password_hash, role)"
              + " SELECT 'bench' || g, 'x', 'USER' FROM generate_series(1, "
              + USERS
              + ") g");
      ObjectMapper json = new ObjectMapper();
      String params =
          json.writeValueAsString(
              JobParams.textToImage("bench", List.of(1L), null, null, null, null));
      JobQueue queue =
          new JobQueue(db, config(), new DatabaseClock(), json, new SimpleMeterRegistry());
      System.out.printf("BENCH settings %s%n", settings(db));
      System.out.printf(
          "BENCH load-before %s%n", Files.readString(Path.of("/proc/loadavg")).strip());

      for (int depth : DEPTHS) {
        fill(db, depth, params);
        System.out.printf("PLAN depth=%d%n%s%n", depth, explain(db, queue));
      }
      warmUp(db, queue, params);
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (int batch : BATCH_IMAGES) {
          for (int depth : DEPTHS) {
            for (int threads : THREADS) {
              fill(db, depth, params);
              double rate = run(queue, threads, batch, Math.min(depth / 2, 2_000));
              rates
                  .computeIfAbsent(batch + " " + depth + " " + threads, k -> new ArrayList<>())
                  .add(rate);
            }
          }
        }
      }
      rates.forEach(
          (row, runs) -> {
            String[] key = row.split(" ");
            double[] sorted = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(
                "BENCH claims batch-images=%s depth=%s threads=%s median=%.0f jobs/s runs=%s%n",
                key[0],
                key[1],
                key[2],
                sorted[sorted.length / 2],
                runs.stream().map(r -> "%.0f".formatted(r)).toList());
          });
      System.out.printf(
          "BENCH load-after %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
    }
  }

  /**
   * Untimed runs of every kind of claim until the JIT has compiled the claim path, so that the
   * first rows of the first round measure the queue, not the warm-up (without it the 1,000-queued
   * rows, which run first and last ~0.3 s, climbed run after run within one JVM).
   */
  private static void warmUp(AgroalDataSource db, JobQueue queue, String params) throws Exception {
    long start = System.nanoTime();
    int jobs = 0;
    for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
      for (int batch : BATCH_IMAGES) {
        for (int threads : THREADS) {
          fill(db, 2_000, params);
          run(queue, threads, batch, 1_000);
          jobs += 1_000;
        }
      }
    }
    System.out.printf(
        "BENCH warm-up %d jobs in %.1f s (not counted)%n", jobs, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Claims and completes until {@code claims} jobs are done or the time is up; jobs per second.
   * With {@code batchImages} above 1 each claim statement takes up to that many of these one-image
   * jobs, and their results are stored in one transaction, as a worker claims and stores the jobs
   * of one engine batch.
   */
  private static double run(JobQueue queue, int threads, int batchImages, int claims)
      throws Exception {
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long deadline = start + RUN_NANOS;
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String name = "bench-" + t;
      workers.add(
          pool.submit(
              () -> {
                while (done.get() < claims && System.nanoTime() < deadline) {
                  List<ClaimedJob> jobs =
                      batchImages == 1
                          ? List.of(queue.claim(name).orElseThrow())
                          : queue.claimBatch(name, null, batchImages);
                  // stored together, as a worker stores the jobs of one engine batch
                  Set<Long> stored =
                      queue.completeAll(
                          jobs.stream()
                              .map(job -> new JobResults(job.lease(), List.of()))
                              .toList());
                  if (stored.size() != jobs.size()) {
                    throw new IllegalStateException("lost the lease of a job of " + jobs);
                  }
                  done.addAndGet(jobs.size());
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return done.get() / seconds;
  }

  /** A queue of exactly {@code depth} jobs, round robin over the users, none served yet. */
  private static void fill(AgroalDataSource db, int depth, String params) throws Exception {
    execute(
        db,
        "TRUNCATE job CASCADE",
        "UPDATE app_user SET last_served_at = NULL, queued_jobs = 0",
        // the fill's own rows bypass the per-row triggers (a bulk load); their count is set below
        "SET session_replication_role = replica",
        """
        INSERT INTO job (owner_id, kind, status, params, prompt, image_count, max_attempts, pack_name, pack_version,
                         created_at)
        SELECT u.ids[1 + g %% %d], 'TEXT_TO_IMAGE', 'QUEUED', '%s', 'bench', 1, 3, 'tiny', 'bench',
               now() - interval '1 hour' + g * interval '1 millisecond'
        FROM generate_series(1, %d) g, (SELECT array_agg(id ORDER BY id) AS ids FROM app_user) u
        """
            .formatted(USERS, params.replace("'", "''"), depth),
        "SET session_replication_role = DEFAULT",
        """
        UPDATE app_user u SET queued_jobs = q.n
        FROM (SELECT owner_id, count(*) AS n FROM job WHERE status = 'QUEUED' GROUP BY owner_id) q
        WHERE q.owner_id = u.id
        """,
        "VACUUM ANALYZE job",
        "VACUUM ANALYZE app_user",
        "CHECKPOINT");
  }

  /** The claim's plan with timings, in a transaction that is rolled back. */
  private static String explain(AgroalDataSource db, JobQueue queue) throws Exception {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + queue.claimStatement())) {
        ps.setString(1, "explain");
        ps.setObject(2, UUID.randomUUID());
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        return plan.toString();
      } finally {
        c.rollback();
      }
    }
  }

  private static String settings(AgroalDataSource db) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name || '=' || setting FROM pg_settings WHERE name IN"
                    + " ('fsync', 'synchronous_commit', 'server_version', 'shared_buffers') ORDER BY name")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return String.join(" ", values);
  }

  private static void execute(AgroalDataSource db, String... statements) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static AgroalDataSource pool(String url) throws Exception {
    return AgroalDataSource.from(
        new AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(
                pool ->
                    pool.maxSize(Arrays.stream(THREADS).max().orElseThrow() + 2)
                        .connectionFactoryConfiguration(
                            factory ->
                                factory.jdbcUrl(url).principal(new NamePrincipal("postgres")))));
  }

  /** The studio's settings with their defaults (lease length is all the claim reads). */
  private static StudioConfig config() {
    return new SmallRyeConfigBuilder()
        .withMapping(StudioConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter()) // "60s", as Quarkus reads it
        .build()
        .getConfigMapping(StudioConfig.class);
  }
}
