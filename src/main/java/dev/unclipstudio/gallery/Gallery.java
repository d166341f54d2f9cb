package dev.unclipstudio.gallery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
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

  /**
   * Keyset-paginated by id, so that deep pages cost the same as the first. A read: it joins a
   * caller's transaction but opens none (a JTA transaction's begin, flush and commit cost a gallery
   * page view about a tenth of its CPU, for one SELECT).
   */
  @Transactional(TxType.SUPPORTS)
  Page page(Query query) {
    List<ImageCard> found =
        find(query, PAGE + 1); // one extra row tells whether an older page exists
    Long next = found.size() > PAGE ? found.get(PAGE - 1).id() : null;
    return new Page(found.stream().limit(PAGE).toList(), next);
  }

  /**
   * How many of a listing's newest images a search tests one by one before it asks the GIN index:
   * enough that a word in more than about one image in twenty fills its page here, few enough that
   * testing them all for a rare word costs about what the index does (0.1–0.2 ms at 100,000).
   */
  static final int RECENT_WINDOW = 500;

  /**
   * Newest first, also when searching, so that the cursor stays the id alone. A search is one
   * statement of two bounded steps: first the listing's newest {@link #RECENT_WINDOW} images are
   * tested, newest first — a common word ("circle" in a third of 100,000 images) fills its page
   * after a few dozen, where taking every match from the index would sort tens of thousands of them
   * on every page; only when they hold fewer matches than a page is the word rare, and the matches
   * come from the GIN index, whose cost follows their number (nothing for no match). Left to
   * choose, PostgreSQL walks the id index testing every row whenever it guesses a word is common
   * enough — and for a word it has no statistics on it guesses so at any gallery size, which read
   * every image for a query with no match. Ranking by ts_rank instead of age would score and sort
   * every match on every page and page on a float.
   */
  private static List<ImageCard> find(Query query, int limit) {
    StringBuilder where =
        new StringBuilder(query.ownerId() == null ? "visibility = 'SHARED'" : "owner_id = :owner");
    Map<String, Object> params = new HashMap<>();
    if (query.ownerId() != null) {
      params.put("owner", query.ownerId());
    }
    if (query.before() != null) {
      where.append(" AND id < :before");
      params.put("before", query.before());
    }
    params.put("limit", limit);
    if (query.q() == null || query.q().isBlank()) {
      return cards(
          "SELECT id, prompt, visibility FROM image WHERE "
              + where
              + " ORDER BY id DESC LIMIT :limit",
          params);
    }
    // every word, stemmed, in any order; "quoted phrases", or and -word as in a web search box.
    // Parsed in a subquery, once per statement: once the driver prepares the statement on the
    // server, PostgreSQL may run a generic plan, which would parse the text again for every row the
    // window tests (2.4 ms instead of 0.3 for 2,000 rows).
    String matches = " AND prompt_search @@ (SELECT websearch_to_tsquery('english', :q))";
    params.put("q", query.q().strip());
    params.put("window", RECENT_WINDOW);
    return cards(
        // recent: a plain subquery inside, so that PostgreSQL keeps its id order and stops reading
        // at the page's last match instead of testing and sorting the whole window. The one-time
        // filters on recent's count run exactly one branch: indexed is never read when the window
        // filled the page
        "WITH recent AS MATERIALIZED (SELECT id, prompt, visibility FROM (SELECT id, prompt,"
            + " visibility, prompt_search FROM image WHERE "
            + where
            + " ORDER BY id DESC LIMIT :window) newest WHERE true"
            + matches
            + " ORDER BY id DESC LIMIT :limit),"
            + " indexed AS MATERIALIZED (SELECT id, prompt, visibility FROM image WHERE "
            + where
            + matches
            + ") SELECT id, prompt, visibility FROM (SELECT * FROM recent"
            + " WHERE (SELECT count(*) FROM recent) = :limit UNION ALL (SELECT * FROM indexed"
            + " WHERE (SELECT count(*) FROM recent) < :limit ORDER BY id DESC LIMIT :limit)) found"
            + " ORDER BY id DESC",
        params);
  }

  private static List<ImageCard> cards(String sql, Map<String, Object> params) {
    jakarta.persistence.Query found = Image.getEntityManager().createNativeQuery(sql);
    params.forEach(found::setParameter);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = found.getResultList();
    return rows.stream()
        .map(
            row ->
                new ImageCard(
                    ((Number) row[0]).longValue(),
                    (String) row[1],
                    Visibility.valueOf((String) row[2])))
        .toList();
  }
}
