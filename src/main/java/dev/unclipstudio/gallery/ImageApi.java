package dev.unclipstudio.gallery;

import dev.unclipstudio.web.Users;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Results over the JSON API: an image's parameters and its PNG, visible as on the pages. */
@Path("/api/v1/images")
@Authenticated
@Blocking
@Tag(name = "images")
public class ImageApi {

  /** An image as the API reports it. */
  public record ImageView(long id, long jobId, int indexInJob, long seed, int width, int height, String prompt,
      Visibility visibility, Long sourceImageId, Map<String, Object> params, String png) {}

  private final ImageStore store;
  private final SecurityIdentity identity;

  ImageApi(ImageStore store, SecurityIdentity identity) {
    this.store = store;
    this.identity = identity;
  }

  @GET
  @Path("{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "An image's parameters and the link to its PNG")
  @Transactional
  public ImageView get(@PathParam("id") long id) {
    Image image = Image.findVisible(id, Users.current(identity));
    return new ImageView(image.id, image.jobId, image.indexInJob, image.seed, image.width, image.height, image.prompt,
        image.visibility, image.sourceImageId, store.params(image), "/api/v1/images/" + id + "/png");
  }

  @GET
  @Path("{id}/png")
  @Produces("image/png")
  @Operation(summary = "The PNG, with the parameters in its text chunks")
  public Response png(@PathParam("id") long id) {
    checkVisible(id);
    return Response.ok(store.png(id)).build();
  }

  @Transactional
  void checkVisible(long id) {
    Image.findVisible(id, Users.current(identity));
  }
}
