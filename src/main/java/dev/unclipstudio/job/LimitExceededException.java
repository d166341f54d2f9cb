package dev.unclipstudio.job;

/** A submission over one of the queue's limits; pages show the message, the API answers 429. */
public class LimitExceededException extends RuntimeException {
  public LimitExceededException(String message) {
    super(message);
  }
}
