package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** The shared gallery, one image's page, its PNG and thumbnail, and the private/shared toggle. */
@Path("/")
@Authenticated
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class GalleryResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance gallery(
        List<ImageCard> images, String q, Long nextBefore, boolean mine);

    static native TemplateInstance image(ImageDetails image);
  }

  private final Gallery gallery;
  private final Images images;
  private final ImageStore store;
  private final SecurityIdentity identity;

  GalleryResource(Gallery gallery, Images images, ImageStore store, SecurityIdentity identity) {
    this.gallery = gallery;
    this.images = images;
    this.store = store;
    this.identity = identity;
  }

  @GET
  @Path("gallery")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance gallery(
      @QueryParam("q") String q,
      @QueryParam("before") Long before,
      @QueryParam("mine") boolean mine) {
    Gallery.Page page = gallery.page(new Gallery.Query(mine ? user().id() : null, q, before));
    return Templates.gallery(page.images(), q == null ? "" : q, page.nextBefore(), mine);
  }

  @GET
  @Path("images/{id}")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance image(@PathParam("id") long id) {
    return Templates.image(images.details(id, user()));
  }

  @GET
  @Path("images/{id}.png")
  @Produces("image/png")
  public Response png(@PathParam("id") long id) {
    images.checkVisible(id, user());
    return Response.ok(store.png(id))
        .header("Content-Disposition", "attachment; filename=\"unclip-" + id + ".png\"")
        .header("Cache-Control", "private, max-age=31536000, immutable")
        .build();
  }

  @GET
  @Path("images/{id}/thumb.png")
  @Produces("image/png")
  public Response thumbnail(@PathParam("id") long id) {
    images.checkVisible(id, user());
    return Response.ok(store.thumbnail(id))
        .header("Cache-Control", "private, max-age=3600")
        .build();
  }

  @POST
  @Path("images/{id}/visibility")
  public Response setVisibility(
      @PathParam("id") long id, @FormParam("visibility") Visibility visibility) {
    if (visibility == null) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity("visibility must be PRIVATE or SHARED")
          .build();
    }
    images.setVisibility(id, visibility, user());
    return Response.seeOther(URI.create("/images/" + id)).build();
  }

  private CurrentUser user() {
    return CurrentUser.of(identity);
  }
}
