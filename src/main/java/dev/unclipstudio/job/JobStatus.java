package dev.unclipstudio.job;

/** A job's place in its life: QUEUED → RUNNING → one of the three final states. */
public enum JobStatus {
  QUEUED("Queued"),
  RUNNING("Running"),
  SUCCEEDED("Done"),
  FAILED("Failed"),
  CANCELLED("Cancelled");

  private final String label;

  JobStatus(String label) {
    this.label = label;
  }

  /** What people read; the constant's name is what the database and the API store. */
  public String label() {
    return label;
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
