package dev.unclipstudio.gallery;

import java.util.List;
import java.util.Locale;

/**
 * What the gallery page shows: a page of images of the shared gallery or of "My images", the search
 * and its order, and the addresses of the first page, the next one and of the same search newest
 * first.
 */
record GalleryView(
    List<ImageCard> images,
    String q,
    boolean mine,
    boolean bestMatch,
    boolean laterPage,
    boolean olderMatchesLeftOut,
    String firstPage,
    String nextPage,
    String newestFirst) {

  /** How many matches best match ranks, as the page writes the number. */
  public String candidates() {
    return String.format(Locale.ROOT, "%,d", Gallery.BEST_MATCH_CANDIDATES);
  }
}
