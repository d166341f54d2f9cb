package dev.unclipstudio.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting a user may touch, under the prefix {@code studio}; the README's table documents
 * each one.
 */
@ConfigMapping(prefix = "studio")
public interface StudioConfig {

  /** Where the embedded database keeps its files (read by {@code Main} before Quarkus starts). */
  @WithDefault("data")
  Path dataDir();

  EmbeddedDb embeddedDb();

  /** The model pack folders the studio offers, each opened once per worker. */
  @WithDefault("models/tiny")
  List<Path> packs();

  /**
   * The pack (its pack.json name) a request that names none goes to; the first listed pack when
   * empty.
   */
  Optional<String> defaultPack();

  Roles roles();

  Accounts accounts();

  Queue queue();

  Worker worker();

  /**
   * The PostgreSQL the studio starts itself when no datasource URL is configured (read by {@code
   * Main}).
   */
  interface EmbeddedDb {
    /** Its port; 0 picks a free one at each start. */
    @WithDefault("0")
    int port();
  }

  interface Roles {
    /** Serve pages and the API. */
    @WithDefault("true")
    boolean web();

    /** Run jobs on this instance's devices. */
    @WithDefault("true")
    boolean worker();
  }

  Web web();

  interface Web {
    /** Live-progress streams one user may hold open at once (each is a browser tab on a job). */
    @WithDefault("8")
    int maxProgressStreamsPerUser();

    /**
     * How often open progress streams re-read their jobs even without a notification: only a safety
     * net, since every change of a job row is pushed (NOTIFY job_changed).
     */
    @WithDefault("5s")
    Duration progressRefresh();
  }

  interface Accounts {
    /** Whether anyone may create an account from the sign-up page. */
    @WithDefault("true")
    boolean signupEnabled();

    /** The first administrator's name, created at start when no administrator exists. */
    @WithDefault("admin")
    String adminUsername();

    /** Its password; when empty a random one is generated and printed once in the log. */
    Optional<String> adminPassword();

    /**
     * Accounts one client address may create on the sign-up page per hour, until an admin sets
     * another number in the console.
     */
    @WithDefault("5")
    int signupsPerAddressPerHour();

    /** How long a sign-in lasts without activity. */
    @WithDefault("P7D")
    Duration sessionTimeout();
  }

  interface Queue {
    /** How long a claimed job stays leased without a heartbeat. */
    @WithDefault("60s")
    Duration lease();

    /** Attempts before a job whose worker keeps disappearing is marked FAILED. */
    @WithDefault("3")
    int maxAttempts();

    /** First delay before a rescued job runs again; doubles with each attempt. */
    @WithDefault("5s")
    Duration retryBackoff();

    /** How often the reaper looks for expired leases. */
    @WithDefault("10s")
    Duration reaperInterval();

    /** Queued plus running jobs one user may have. */
    @WithDefault("10")
    int maxActivePerUser();

    /** Images one user may request per day (UTC). */
    @WithDefault("500")
    int dailyImageQuota();

    /** Queued jobs in the whole studio. */
    @WithDefault("1000")
    int maxQueued();

    /**
     * Longest prompt, in characters (the tokenizer also truncates at the pack's context length).
     */
    @WithDefault("300")
    int maxPromptLength();

    /** Most images in one job. */
    @WithDefault("8")
    int maxImagesPerJob();
  }

  interface Worker {
    /** Devices to run on: cpu, cuda:0, cuda:1, ... */
    @WithDefault("cpu")
    List<String> devices();

    /** Worker threads per device. */
    @WithDefault("1")
    int threadsPerDevice();

    /** ONNX Runtime intra-op threads per worker (0 = ONNX Runtime's default). */
    @WithDefault("0")
    int intraOpThreads();

    /**
     * Load each stage's model only while it runs (full-size packs on machines that cannot hold
     * every stage at once; every job loads each model again).
     */
    @WithDefault("false")
    boolean lowMemory();

    /**
     * Most images one engine batch runs: a claim takes queued text-to-image jobs of the same pack
     * with the same prior and decoder settings together while their images fit (a job larger than
     * this still runs, alone). 1 = one job at a time. In images because a batch's memory grows with
     * its images: 4 keeps a CPU worker's peak at that of one 4-image job.
     */
    @WithDefault("4")
    int batchImages();

    /** How often an idle worker looks for work when no notification arrives. */
    @WithDefault("2s")
    Duration pollInterval();

    /** Least time between two progress writes of one job. */
    @WithDefault("250ms")
    Duration progressInterval();

    /** Least time between two preview images of one job. */
    @WithDefault("1s")
    Duration previewInterval();

    /** How long shutdown waits for running jobs before releasing them to the queue. */
    @WithDefault("20s")
    Duration shutdownGrace();

    /** This instance's name in the workers table (default: host name and process id). */
    Optional<String> instanceName();

    /**
     * Whether ONNX Runtime keeps freed CPU buffers in its arena for reuse (default: yes on machines
     * or containers with 2 GiB or more, no below).
     */
    Optional<Boolean> memoryArena();
  }
}
