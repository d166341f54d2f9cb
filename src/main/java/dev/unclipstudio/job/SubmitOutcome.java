package dev.unclipstudio.job;

import java.util.Map;

/**
 * What became of a submitted {@link JobCommand}: queued with its id, or refused with a message and,
 * where fields are at fault, a message per field. Pages and the API turn it into their own
 * responses, with the same status codes.
 */
public record SubmitOutcome(Result result, long jobId, String message, Map<String, String> fields) {

  public enum Result {
    QUEUED(202),
    /** The job an earlier request with the same Idempotency-Key queued; nothing new. */
    ALREADY_QUEUED(202),
    /** Invalid fields, a blocked prompt, or a job the pack cannot run. */
    INVALID(400),
    /** A source image that does not exist or that the user may not see. */
    NOT_FOUND(404),
    OVER_LIMIT(429),
    /** An Idempotency-Key already used with a different request. */
    KEY_REUSED(422),
    /** No usable model pack at all: nothing can be queued until an administrator fixes it. */
    UNAVAILABLE(503);

    private final int status;

    Result(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  static SubmitOutcome queued(long jobId) {
    return new SubmitOutcome(Result.QUEUED, jobId, null, Map.of());
  }

  static SubmitOutcome alreadyQueued(long jobId) {
    return new SubmitOutcome(Result.ALREADY_QUEUED, jobId, null, Map.of());
  }

  static SubmitOutcome invalid(Map<String, String> fields) {
    return new SubmitOutcome(Result.INVALID, 0, "The request has invalid fields.", fields);
  }

  static SubmitOutcome refused(Result result, String message) {
    return new SubmitOutcome(result, 0, message, Map.of());
  }

  /** Refused for one field: the message is the answer's and the field's. */
  static SubmitOutcome invalid(String field, String message) {
    return new SubmitOutcome(Result.INVALID, 0, message, Map.of(field, message));
  }

  /** A job is in the queue for this request: queued now, or by an earlier one with its key. */
  public boolean queued() {
    return result == Result.QUEUED || result == Result.ALREADY_QUEUED;
  }

  /** The message for the top of a form: only when no field shows one. */
  public String formMessage() {
    return fields.isEmpty() ? message : null;
  }
}
