package dev.unclipstudio.time;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The studio's notion of "now" for everything several instances must agree on (leases, backoff,
 * sign-in waits): always the database clock, so instances with skewed clocks agree. Tests move it
 * forward instead of sleeping; the offset is rendered into SQL as a number, never from user input.
 */
@ApplicationScoped
public class DatabaseClock {

  private volatile Duration offset = Duration.ZERO;

  /** SQL expression for the current time. */
  public String now() {
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
