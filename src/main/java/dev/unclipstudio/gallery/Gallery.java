package dev.unclipstudio.gallery;

import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** The gallery: shared images (or one user's), newest first, with an optional prompt search. */
@ApplicationScoped
public class Gallery {

  static final int PAGE = 24;

  /**
   * Which images to list: {@code ownerId} null means the shared ones; {@code before} is the last
   * page's cursor.
   */
  record Query(Long ownerId, String q, Long before) {}

  /** A page of cards and the cursor of the next, older page (null on the last page). */
  record Page(List<ImageCard> images, Long nextBefore) {}

  /** Keyset-paginated by id, so that deep pages cost the same as the first. */
  @Transactional
  Page page(Query query) {
    List<Image> found = find(query, PAGE + 1); // one extra row tells whether an older page exists
    Long next = found.size() > PAGE ? found.get(PAGE - 1).id : null;
    return new Page(found.stream().limit(PAGE).map(ImageCard::of).toList(), next);
  }

  private static List<Image> find(Query query, int limit) {
    StringBuilder where =
        new StringBuilder(query.ownerId() == null ? "visibility = :shared" : "ownerId = :owner");
    Parameters params =
        query.ownerId() == null
            ? Parameters.with("shared", Visibility.SHARED)
            : Parameters.with("owner", query.ownerId());
    if (query.before() != null) {
      where.append(" and id < :before");
      params.and("before", query.before());
    }
    if (query.q() != null && !query.q().isBlank()) {
      where.append(" and locate(:q, lower(prompt)) > 0");
      params.and("q", query.q().strip().toLowerCase());
    }
    return Image.find(where + " order by id desc", params).page(0, limit).list();
  }
}
