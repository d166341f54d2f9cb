package dev.unclipstudio.gallery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gallery: shared images (or one user's), newest first, with an optional prompt search by
 * words.
 */
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
    List<ImageCard> found =
        find(query, PAGE + 1); // one extra row tells whether an older page exists
    Long next = found.size() > PAGE ? found.get(PAGE - 1).id() : null;
    return new Page(found.stream().limit(PAGE).toList(), next);
  }

  /**
   * Newest first, also when searching: the cursor stays the id alone, and the database either walks
   * the id index and tests each row (words in many prompts) or takes the few matches from the GIN
   * index and sorts them (rare words, no match). Ranking by ts_rank instead would score and sort
   * every match on every page, however many there are, and page on a float.
   */
  private static List<ImageCard> find(Query query, int limit) {
    StringBuilder sql =
        new StringBuilder(
            query.ownerId() == null
                ? "SELECT id, prompt FROM image WHERE visibility = 'SHARED'"
                : "SELECT id, prompt FROM image WHERE owner_id = :owner");
    Map<String, Object> params = new HashMap<>();
    if (query.ownerId() != null) {
      params.put("owner", query.ownerId());
    }
    if (query.before() != null) {
      sql.append(" AND id < :before");
      params.put("before", query.before());
    }
    if (query.q() != null && !query.q().isBlank()) {
      // every word, stemmed, in any order; "quoted phrases", OR and -word as in a web search box
      sql.append(" AND prompt_search @@ websearch_to_tsquery('english', :q)");
      params.put("q", query.q().strip());
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    params.put("limit", limit);
    jakarta.persistence.Query found = Image.getEntityManager().createNativeQuery(sql.toString());
    params.forEach(found::setParameter);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = found.getResultList();
    return rows.stream()
        .map(row -> new ImageCard(((Number) row[0]).longValue(), (String) row[1]))
        .toList();
  }
}
