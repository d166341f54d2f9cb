package dev.unclipstudio.gallery;

import java.util.List;

/**
 * A page of the gallery over the JSON API: its images and the address of the next page (null on the
 * last), which carries the search, the order and the cursor; {@code olderMatchesLeftOut} when best
 * match ranked only the search's newest matches ({@link Gallery#BEST_MATCH_CANDIDATES}).
 */
public record ImageList(List<Item> images, String next, boolean olderMatchesLeftOut) {

  /** One listed image: enough to show it and to fetch its details and PNG. */
  public record Item(long id, String prompt, Visibility visibility, String url, String png) {

    static Item of(ImageCard card) {
      String url = "/api/v1/images/" + card.id();
      return new Item(card.id(), card.prompt(), card.visibility(), url, url + "/png");
    }
  }
}
