package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The query parameters of a gallery listing, the same on the page and in the API. */
public class GalleryRequest {

  @QueryParam("q")
  @Parameter(description = "Words the prompts must hold, as in a web search box")
  String q;

  @QueryParam("sort")
  @Parameter(description = "newest (the default) or best: the search's matches best match first")
  String sort;

  @QueryParam("mine")
  @Parameter(description = "true: your images, shared or not, instead of the shared gallery")
  boolean mine;

  @QueryParam("before")
  @Parameter(description = "Where the previous page ended: written by its next link")
  Long before;

  @QueryParam("rank")
  @Parameter(description = "With before, in best-match order: written by the next link")
  Float rank;

  /**
   * The listing these parameters name for {@code user}. Throws IllegalArgumentException, with a
   * message for the user, for an unknown sort or a best-match cursor without its rank.
   */
  Gallery.Query query(CurrentUser user) {
    return new Gallery.Query(
        mine ? user.id() : null,
        q,
        Gallery.Order.of(sort),
        before == null ? null : new Gallery.Cursor(before, rank));
  }

  /** Whether this is a later page of its listing. */
  boolean laterPage() {
    return before != null;
  }
}
