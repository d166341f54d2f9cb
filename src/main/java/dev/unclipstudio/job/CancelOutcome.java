package dev.unclipstudio.job;

/** The result of a cancel request. */
public enum CancelOutcome {
  /** It was queued and is now cancelled. */
  CANCELLED,
  /** It is running; its worker stops it within one step. */
  REQUESTED,
  /** It had already ended. */
  ALREADY_FINISHED
}
