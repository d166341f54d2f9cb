package dev.unclipstudio.pipeline.image;

/** An uploaded image was rejected; the message says why in words a user can act on. */
public class InvalidImageException extends Exception {

  public InvalidImageException(String message) {
    super(message);
  }

  public InvalidImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
