package dev.unclipstudio.job;

/** The database refused a queue operation. */
public class QueueException extends RuntimeException {
  public QueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
