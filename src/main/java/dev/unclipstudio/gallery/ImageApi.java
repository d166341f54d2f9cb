package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Results over the JSON API: an image's parameters and its PNG, visible as on the pages. */
@Path("/api/v1/images")
@Authenticated
@Blocking
@Tag(name = "images")
public class ImageApi {

  private static final String NO_IMAGE = "No image with this id that you may see";

  private final Images images;
  private final ImageStore store;
  private final SecurityIdentity identity;

  ImageApi(Images images, ImageStore store, SecurityIdentity identity) {
    this.images = images;
    this.store = store;
    this.identity = identity;
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
