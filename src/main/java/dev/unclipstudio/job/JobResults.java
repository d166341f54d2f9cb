package dev.unclipstudio.job;

import java.util.List;

/** A job's finished images under the lease that made them, as a worker stores them. */
public record JobResults(Lease lease, List<ResultImage> images) {

  public JobResults {
    images = List.copyOf(images);
  }
}
