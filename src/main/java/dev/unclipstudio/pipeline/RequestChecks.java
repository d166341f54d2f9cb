package dev.unclipstudio.pipeline;

import java.util.List;

/** Validation shared by the request records. */
final class RequestChecks {

  private RequestChecks() {}

  static List<Long> seeds(List<Long> seeds) {
    if (seeds == null || seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one seed is needed");
    }
    return List.copyOf(seeds);
  }
}
