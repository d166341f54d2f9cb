package dev.unclipstudio.cli;

/** The command line was wrong; the message says how. */
final class UsageException extends Exception {

  UsageException(String message) {
    super(message);
  }
}
