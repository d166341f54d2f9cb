package dev.unclipstudio.job;

import java.util.Optional;

/**
 * How long a queued job will wait, roughly: as many runs as its position (the jobs ahead of it, and
 * the ones the workers are busy with, which end on average half a run later but may just have
 * started) at the recent mean run time, shared among the workers running.
 *
 * @param position 1 for the next job to be claimed
 * @param meanRunSeconds mean run time of the studio's recent jobs
 * @param runningWorkers workers running now (not paused, not lost)
 */
record QueueWait(long position, double meanRunSeconds, long runningWorkers) {

  /**
   * "It should start in about 40 s." Empty without a worker or a finished job to go by: the queue
   * note then says why nothing moves.
   */
  Optional<String> note() {
    if (runningWorkers < 1 || position < 1 || !(meanRunSeconds > 0)) {
      return Optional.empty();
    }
    long seconds = Math.round(position * meanRunSeconds / runningWorkers);
    return Optional.of(
        seconds < 1
            ? "It should start as soon as a worker is free."
            : "It should start in about " + JobDetails.spoken(seconds) + ".");
  }
}
