package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one rule for a worker that stopped reporting: a live state (starting, running, paused,
 * draining) whose heartbeat is older than the lease reads as LOST (worker.WorkerState). Derived
 * when read, on the database clock, so that no surviving process has to notice and write it, and a
 * killed instance leaves the RUNNING count on every instance at once. STOPPED and UNHEALTHY are
 * kept: such workers do not beat.
 */
@ApplicationScoped
public class WorkerLiveness {

  private final StudioConfig config;

  WorkerLiveness(StudioConfig config) {
    this.config = config;
  }

  /** SQL expression over the {@code worker} table's columns for the state to show and count. */
  public String stateSql() {
    // The lease is configuration, never user input, so it is rendered as a number.
    return """
        CASE WHEN state IN ('STARTING', 'RUNNING', 'PAUSED', 'DRAINING')
                  AND heartbeat_at < now() - interval '%d milliseconds'
             THEN 'LOST' ELSE state END"""
        .formatted(config.queue().lease().toMillis());
  }
}
