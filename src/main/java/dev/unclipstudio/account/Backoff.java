package dev.unclipstudio.account;

import java.time.Duration;

/**
 * How long to refuse sign-ins after a number of failures: nothing below the threshold, then 1 s at
 * the threshold, doubling with each further failure up to 15 minutes.
 */
record Backoff(int threshold) {

  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(15);

  Duration after(int failures) {
    if (failures < threshold) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - threshold, 20); // 2^20 s is far beyond the cap
    Duration wait = FIRST.multipliedBy(1L << doublings);
    return wait.compareTo(MAX) > 0 ? MAX : wait;
  }

  /** The message for a refused attempt, in whole seconds rounded up. */
  static String message(Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return "Too many attempts. Try again in " + seconds + (seconds == 1 ? " second." : " seconds.");
  }
}
