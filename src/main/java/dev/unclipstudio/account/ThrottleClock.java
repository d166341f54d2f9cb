package dev.unclipstudio.account;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Sign-in and sign-up throttling's notion of "now": the database clock, so that instances with
 * skewed clocks agree on a wait. Tests move it forward instead of sleeping; the offset is rendered
 * into SQL as a number, never from user input.
 */
@ApplicationScoped
public class ThrottleClock {

  private volatile Duration offset = Duration.ZERO;

  /** SQL expression for the current time. */
  String now() {
    if (offset.isZero()) {
      return "now()";
    }
    return "(now() + interval '%d milliseconds')".formatted(offset.toMillis());
  }

  public void advance(Duration by) {
    offset = offset.plus(by);
  }

  public void reset() {
    offset = Duration.ZERO;
  }
}
