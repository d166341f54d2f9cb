package dev.unclipstudio.worker;

import dev.unclipstudio.job.Lease;
import dev.unclipstudio.pipeline.CancellationToken;

/**
 * The running job's stop signal, checked by the engine between diffusion steps. Set when the owner
 * cancels (NOTIFY or progress write), when the lease is lost, or when the instance shuts down.
 */
final class JobControl implements CancellationToken {

  enum Reason {
    NONE,
    CANCELLED,
    LEASE_LOST,
    SHUTDOWN
  }

  private final Lease lease;
  private volatile Reason reason = Reason.NONE;

  JobControl(Lease lease) {
    this.lease = lease;
  }

  Lease lease() {
    return lease;
  }

  void stop(Reason why) {
    if (reason == Reason.NONE) {
      reason = why;
    }
  }

  Reason reason() {
    return reason;
  }

  @Override
  public boolean isCancelled() {
    return reason != Reason.NONE;
  }
}
