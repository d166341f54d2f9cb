package dev.unclipstudio.gallery;

import java.util.List;
import java.util.Locale;

/**
 * What the gallery page shows of a {@link Gallery.Query} and its {@link Gallery.Page}. The links
 * are written only where the page shows them.
 */
public record GalleryView(Gallery.Query query, Gallery.Page page, boolean laterPage) {

  static final String PATH = "/gallery";

  public List<ImageCard> images() {
    return page.images();
  }

  /** The search's words as typed, for the search box. */
  public String q() {
    return query.q() == null ? "" : query.q();
  }

  public boolean mine() {
    return query.ownerId() != null;
  }

  public boolean bestMatch() {
    return query.ranked();
  }

  public boolean olderMatchesLeftOut() {
    return page.olderMatchesLeftOut();
  }

  public String firstPage() {
    return query.link(PATH, null);
  }

  /** The next page's address, null on the last page. */
  public String nextPage() {
    return page.next() == null ? null : query.link(PATH, page.next());
  }

  /** The same search's first page, newest first. */
  public String newestFirst() {
    return query.newestFirst().link(PATH, null);
  }

  /** How many matches best match ranks, as the page writes the number. */
  public String candidates() {
    return String.format(Locale.ROOT, "%,d", Gallery.BEST_MATCH_CANDIDATES);
  }
}
