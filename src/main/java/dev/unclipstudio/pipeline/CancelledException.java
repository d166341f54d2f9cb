package dev.unclipstudio.pipeline;

/** A request was cancelled through its {@link CancellationToken}; no images were produced. */
public class CancelledException extends RuntimeException {

  public CancelledException(String message) {
    super(message);
  }
}
