package dev.unclipstudio.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline: tests wait on what they expect, never on a fixed sleep.
 */
public final class Await {

  private Await() {}

  public static void until(Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      pause(deadline, timeout, null);
    }
  }

  /**
   * As {@link #until}, for a condition that cannot be checked yet, such as a query on a database
   * that is still starting or not yet migrated: an exception counts as "not yet", and the last one
   * is the cause if time runs out.
   */
  public static void untilIgnoringErrors(Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      pause(deadline, timeout, last);
    }
  }

  private static void pause(Instant deadline, Duration timeout, RuntimeException cause) {
    if (Instant.now().isAfter(deadline)) {
      throw new AssertionError("condition not met within " + timeout, cause);
    }
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
