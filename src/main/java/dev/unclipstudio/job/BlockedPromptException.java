package dev.unclipstudio.job;

/** A prompt containing a phrase on the admins' blocklist. */
public class BlockedPromptException extends RuntimeException {
  public BlockedPromptException(String message) {
    super(message);
  }
}
