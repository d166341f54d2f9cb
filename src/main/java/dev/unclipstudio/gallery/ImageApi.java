package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.web.Problem;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Results over the JSON API: the gallery's pages and search, an image's parameters and its PNG,
 * visible as on the pages.
 */
@Path("/api/v1/images")
@Authenticated
@Blocking
@Tag(name = "images")
public class ImageApi {

  private static final String NO_IMAGE = "No image with this id that you may see";

  private static final String PATH = "/api/v1/images";

  private final Gallery gallery;
  private final Images images;
  private final ImageStore store;
  private final SecurityIdentity identity;

  ImageApi(Gallery gallery, Images images, ImageStore store, SecurityIdentity identity) {
    this.gallery = gallery;
    this.images = images;
    this.store = store;
    this.identity = identity;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Shared images, or yours (mine=true), newest first; with q, those whose prompts hold"
              + " the words, newest first or best match first (sort=best). A page at a time:"
              + " follow next")
  @APIResponse(
      responseCode = "200",
      description = "A page of images",
      content = @Content(schema = @Schema(implementation = ImageList.class)))
  @APIResponse(responseCode = "400", description = "An unknown sort, or a cursor without its rank")
  public Response list(@BeanParam GalleryRequest request) {
    Gallery.Query query;
    try {
      query = request.query(CurrentUser.of(identity));
    } catch (IllegalArgumentException e) {
      return Problem.of(400, e.getMessage(), Map.of()).toResponse();
    }
    Gallery.Page page = gallery.page(query);
    return Response.ok(
            new ImageList(
                page.images().stream().map(ImageList.Item::of).toList(),
                page.next() == null ? null : query.link(PATH, page.next()),
                page.olderMatchesLeftOut()))
        .build();
  }

  @GET
  @Path("{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "An image's parameters and the link to its PNG")
  @APIResponse(responseCode = "404", description = NO_IMAGE)
  public ImageView get(@PathParam("id") long id) {
    return images.view(id, CurrentUser.of(identity));
  }

  @GET
  @Path("{id}/png")
  @Produces("image/png")
  @Operation(summary = "The PNG, with the parameters in its text chunks")
  @APIResponse(responseCode = "404", description = NO_IMAGE)
  public Response png(@PathParam("id") long id) {
    images.checkVisible(id, CurrentUser.of(identity));
    return Response.ok(store.png(id)).build();
  }
}
