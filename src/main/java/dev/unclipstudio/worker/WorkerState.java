package dev.unclipstudio.worker;

/** What a worker is doing, as the admin console shows it. */
public enum WorkerState {
  STARTING,
  RUNNING,
  PAUSED,
  DRAINING,
  STOPPED,
  UNHEALTHY,
  /**
   * No heartbeat within the lease: the instance was probably killed. Never stored, only derived
   * when read ({@link dev.unclipstudio.job.WorkerLiveness}).
   */
  LOST;

  /** The state as the admin console shows it: "Running", "Lost". */
  public String label() {
    return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
