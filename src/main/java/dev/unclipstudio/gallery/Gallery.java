package dev.unclipstudio.gallery;

import io.quarkus.panache.common.Parameters;
import java.util.List;

/** Gallery queries: shared images (or one user's), newest first, with an optional prompt search. */
final class Gallery {

  private Gallery() {}

  static List<Image> page(Long ownerId, String q, Long before, int limit) {
    StringBuilder where = new StringBuilder(ownerId == null ? "visibility = :shared" : "ownerId = :owner");
    Parameters params = ownerId == null
        ? Parameters.with("shared", Visibility.SHARED)
        : Parameters.with("owner", ownerId);
    if (before != null) {
      where.append(" and id < :before");
      params.and("before", before);
    }
    if (q != null && !q.isBlank()) {
      where.append(" and locate(:q, lower(prompt)) > 0");
      params.and("q", q.strip().toLowerCase());
    }
    return Image.find(where + " order by id desc", params).page(0, limit).list();
  }
}
