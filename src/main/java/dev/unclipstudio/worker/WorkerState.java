package dev.unclipstudio.worker;

/** What a worker is doing, as the admin console shows it. */
public enum WorkerState {
  STARTING,
  RUNNING,
  PAUSED,
  DRAINING,
  STOPPED,
  UNHEALTHY
}
