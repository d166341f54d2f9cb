package dev.unclipstudio.gallery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The gallery: shared images (or one user's), newest first, with an optional prompt search by words
 * whose matches come newest first or best match first.
 */
@ApplicationScoped
public class Gallery {

  static final int PAGE = 24;

  /** How a search's matches are ordered; a listing without words is always newest first. */
  enum Order {
    NEWEST("newest"),
    /**
     * By PostgreSQL's cover density rank divided by the prompt's length: prompts holding the words
     * close together ("a red circle" before "a circle beside a red square"), and few other words,
     * come first. Ties newest first. Ranks the newest {@link #BEST_MATCH_CANDIDATES} matches.
     */
    BEST_MATCH("best");

    /** The value of the pages' {@code sort} parameter. */
    final String parameter;

    Order(String parameter) {
      this.parameter = parameter;
    }

    /** The order a {@code sort} parameter names; absent or blank is newest first. */
    static Order of(String parameter) {
      if (parameter == null || parameter.isBlank()) {
        return NEWEST;
      }
      for (Order order : values()) {
        if (order.parameter.equals(parameter.strip())) {
          return order;
        }
      }
      throw new IllegalArgumentException("sort must be newest or best");
    }
  }

  /**
   * Where the previous page ended: the id of its last image and, in a best-match listing, that
   * image's rank (keyset pagination on (rank, id), so that a deep page costs what the first does
   * and no image is shown twice when images are added meanwhile).
   */
  record Cursor(long before, Float rank) {}

  /**
   * Which images to list: {@code ownerId} null means the shared ones; {@code after} is null on the
   * first page.
   */
  record Query(Long ownerId, String q, Order order, Cursor after) {

    /** Refuses a best-match page's cursor without its rank: it would start again from the top. */
    Query {
      if (after != null && after.rank() == null && ranked(q, order)) {
        throw new IllegalArgumentException("a best-match page continues from a rank and an id");
      }
    }

    /**
     * The address under {@code path} (the page's or the API's) of this listing, search and order
     * from its first image, or from after {@code next}.
     */
    String link(String path, Cursor next) {
      StringJoiner link = new StringJoiner("&", path + "?", "").setEmptyValue(path);
      if (next != null) {
        link.add("before=" + next.before());
      }
      if (next != null && next.rank() != null) {
        link.add(
            "rank=" + next.rank()); // Float.toString: the shortest text that reads back exactly
      }
      if (searching()) {
        link.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        if (ranked()) {
          link.add("sort=" + Order.BEST_MATCH.parameter);
        }
      }
      if (ownerId != null) {
        link.add("mine=true");
      }
      return link.toString();
    }

    /** The same listing and search, newest first. */
    Query newestFirst() {
      return new Query(ownerId, q, Order.NEWEST, null);
    }

    boolean searching() {
      return searching(q);
    }

    boolean ranked() {
      return ranked(q, order);
    }

    private static boolean searching(String q) {
      return q != null && !q.isBlank();
    }

    /** Only words can be ranked: a listing without them is newest first in either order. */
    private static boolean ranked(String q, Order order) {
      return searching(q) && order == Order.BEST_MATCH;
    }
  }

  /**
   * A page of cards and the cursor of the next page (null on the last page); {@code
   * olderMatchesLeftOut} when best match reached its {@link #BEST_MATCH_CANDIDATES} newest matches,
   * so that older ones may be left out (with exactly that many matches, none is).
   */
  record Page(List<ImageCard> images, Cursor next, boolean olderMatchesLeftOut) {}

  /**
   * Keyset-paginated by id, so that deep pages cost the same as the first. A read: it joins a
   * caller's transaction but opens none (a JTA transaction's begin, flush and commit cost a gallery
   * page view about a tenth of its CPU, for one SELECT).
   */
  @Transactional(TxType.SUPPORTS)
  Page page(Query query) {
    // one extra row tells whether a next page exists
    List<Row> found = query.ranked() ? ranked(query, PAGE + 1) : find(query, PAGE + 1);
    Cursor next = found.size() > PAGE ? found.get(PAGE - 1).cursor() : null;
    boolean olderMatchesLeftOut =
        !found.isEmpty() && found.get(0).candidates() >= BEST_MATCH_CANDIDATES;
    return new Page(found.stream().limit(PAGE).map(Row::card).toList(), next, olderMatchesLeftOut);
  }

  /**
   * A listed image, where a page ending with it would continue and, in a best-match listing, how
   * many matches were ranked.
   */
  private record Row(ImageCard card, Float rank, int candidates) {
    Cursor cursor() {
      return new Cursor(card.id(), rank);
    }
  }

  /**
   * How many of a listing's newest images a search tests one by one before it asks the GIN index:
   * enough that a word in more than about one image in twenty fills its page here, few enough that
   * testing them all for a rare word costs about what the index does (0.1–0.2 ms at 100,000).
   */
  static final int RECENT_WINDOW = 500;

  /**
   * The search box's words as a tsquery: every word, stemmed, in any order; "quoted phrases", or
   * and -word as in a web search box. Parsed in a subquery, once per statement: once the driver
   * prepares the statement on the server, PostgreSQL may run a generic plan, which would parse the
   * text again for every row the window tests (2.4 ms instead of 0.3 for 2,000 rows).
   */
  private static final String TSQUERY = "(SELECT websearch_to_tsquery('english', :q))";

  /**
   * Newest first, the default also when searching: its cost stays bounded however common a word is,
   * and the cursor is the id alone. A search is one statement of two bounded steps: first the
   * listing's newest {@link #RECENT_WINDOW} images are tested, newest first — a common word
   * ("circle" in a third of 100,000 images) fills its page after a few dozen, where taking every
   * match from the index would sort tens of thousands of them on every page; only when they hold
   * fewer matches than a page is the word rare, and the matches come from the GIN index, whose cost
   * follows their number (nothing for no match). Left to choose, PostgreSQL walks the id index
   * testing every row whenever it guesses a word is common enough — and for a word it has no
   * statistics on it guesses so at any gallery size, which read every image for a query with no
   * match.
   */
  private static List<Row> find(Query query, int limit) {
    Map<String, Object> params = new HashMap<>();
    StringBuilder where = listing(query, params);
    if (query.after() != null) {
      where.append(" AND id < :before");
      params.put("before", query.after().before());
    }
    params.put("limit", limit);
    if (!query.searching()) {
      return rows(
          "SELECT id, prompt, visibility FROM image WHERE "
              + where
              + " ORDER BY id DESC LIMIT :limit",
          params);
    }
    params.put("q", query.q().strip());
    params.put("window", RECENT_WINDOW);
    return rows(newestMatches(where, "id, prompt, visibility"), params);
  }

  /**
   * The statement of {@link #find}'s two steps: the newest {@code :limit} matches of the images
   * {@code where} selects, testing the newest {@code :window} of them first, as {@code columns}.
   */
  private static String newestMatches(CharSequence where, String columns) {
    String matches = " AND prompt_search @@ " + TSQUERY;
    // recent: a plain subquery inside, so that PostgreSQL keeps its id order and stops reading at
    // the last match it needs instead of testing and sorting the whole window. The one-time filters
    // on recent's count run exactly one branch: indexed is never read when the window had enough
    return "WITH recent AS MATERIALIZED (SELECT "
        + columns
        + " FROM (SELECT id, prompt, visibility, prompt_search FROM image WHERE "
        + where
        + " ORDER BY id DESC LIMIT :window) newest WHERE true"
        + matches
        + " ORDER BY id DESC LIMIT :limit),"
        + " indexed AS MATERIALIZED (SELECT "
        + columns
        + " FROM image WHERE "
        + where
        + matches
        + ") SELECT * FROM (SELECT * FROM recent"
        + " WHERE (SELECT count(*) FROM recent) = :limit UNION ALL (SELECT * FROM indexed"
        + " WHERE (SELECT count(*) FROM recent) < :limit ORDER BY id DESC LIMIT :limit)) found"
        + " ORDER BY id DESC";
  }

  /**
   * How many matches best match ranks: a search's newest {@value} (all of them when there are
   * fewer), 21 pages. Reaching every match of a word in a third of 100,000 images and ranking it
   * took 18–33 ms on every page, these 500 about 1 ms, a quarter of it the ranking
   * (docs/benchmarks.md).
   */
  static final int BEST_MATCH_CANDIDATES = 500;

  /**
   * How many of the listing's newest images best match tests before it asks the GIN index: a word
   * in a quarter of the images finds its candidates here.
   */
  static final int BEST_MATCH_WINDOW = 4 * BEST_MATCH_CANDIDATES;

  /**
   * The search's newest {@link #BEST_MATCH_CANDIDATES} matches (found as {@link #find} finds a
   * page), scored, best first; the next page continues below the last one's (rank, id). The rank is
   * a float4 computed the same way on every page, so the cursor's rank, sent back as text that
   * round-trips exactly, compares equal to its own row's.
   */
  private static List<Row> ranked(Query query, int limit) {
    Map<String, Object> params = new HashMap<>();
    StringBuilder where = listing(query, params);
    String after = "";
    if (query.after() != null) {
      after = " WHERE rank < :rank OR (rank = :rank AND id < :before)";
      params.put("rank", query.after().rank());
      params.put("before", query.after().before());
    }
    params.put("q", query.q().strip());
    params.put("window", BEST_MATCH_WINDOW);
    params.put("limit", BEST_MATCH_CANDIDATES);
    params.put("page", limit);
    // normalisation 2: divided by the prompt's length in words
    return rows(
        "SELECT id, prompt, visibility, rank, candidates FROM (SELECT id, prompt, visibility,"
            + " ts_rank_cd(prompt_search, "
            + TSQUERY
            + ", 2) AS rank, count(*) OVER () AS candidates FROM ("
            + newestMatches(where, "id, prompt, visibility, prompt_search")
            + ") newest_matches) scored"
            + after
            + " ORDER BY rank DESC, id DESC LIMIT :page",
        params);
  }

  /** The listing's own condition: shared images, or one owner's. */
  private static StringBuilder listing(Query query, Map<String, Object> params) {
    if (query.ownerId() == null) {
      return new StringBuilder("visibility = 'SHARED'");
    }
    params.put("owner", query.ownerId());
    return new StringBuilder("owner_id = :owner");
  }

  /** Rows of (id, prompt, visibility[, rank, candidates]). */
  private static List<Row> rows(String sql, Map<String, Object> params) {
    jakarta.persistence.Query found = Image.getEntityManager().createNativeQuery(sql);
    params.forEach(found::setParameter);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = found.getResultList();
    return rows.stream()
        .map(
            row ->
                new Row(
                    new ImageCard(
                        ((Number) row[0]).longValue(),
                        (String) row[1],
                        Visibility.valueOf((String) row[2])),
                    row.length > 3 ? ((Number) row[3]).floatValue() : null,
                    row.length > 4 ? ((Number) row[4]).intValue() : 0))
        .toList();
  }
}
