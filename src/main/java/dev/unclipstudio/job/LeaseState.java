package dev.unclipstudio.job;

/** What a worker learns when it renews its lease or reports progress. */
public enum LeaseState {
  /** The job is still ours. */
  HELD,
  /** Still ours, but its owner or an admin asked to stop it. */
  CANCEL_REQUESTED,
  /**
   * Not ours any more: the lease expired and the job was rescued, or it ended. Stop and write
   * nothing.
   */
  LOST
}
