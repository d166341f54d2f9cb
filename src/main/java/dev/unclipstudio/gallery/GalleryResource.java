package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/**
 * The shared gallery and "My images", one image's page, its PNG and thumbnail, the private/shared
 * toggle of one image or a selection, and ZIP downloads of a selection or of a job's images.
 */
@Path("/")
@Authenticated
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class GalleryResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance gallery(GalleryView view);

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

  /**
   * A page of the shared gallery or of "My images", optionally searched ({@code q}) and ordered
   * ({@code sort}: newest, the default, or best). {@code before} and, for best match, {@code rank}
   * are the previous page's cursor, written by this page's "next" link.
   */
  @GET
  @Path("gallery")
  @Produces(MediaType.TEXT_HTML)
  public Response gallery(@BeanParam GalleryRequest request) {
    Gallery.Query query;
    try {
      query = request.query(user());
    } catch (IllegalArgumentException e) {
      return Response.status(Response.Status.BAD_REQUEST)
          .type(MediaType.TEXT_PLAIN)
          .entity(e.getMessage())
          .build();
    }
    GalleryView view = new GalleryView(query, gallery.page(query), request.laterPage());
    return Response.ok(Templates.gallery(view)).build();
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

  /**
   * Shares a selection of "My images" or makes it private, all or nothing: an image the user may
   * not change makes the whole request "not found".
   */
  @POST
  @Path("images/visibility")
  public Response setVisibilityOfSelection(
      @FormParam("id") List<Long> ids, @FormParam("visibility") Visibility visibility) {
    if (visibility == null) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity("visibility must be PRIVATE or SHARED")
          .build();
    }
    images.setVisibility(Images.selection(ids), visibility, user());
    return Response.seeOther(URI.create("/gallery?mine=true")).build();
  }

  /**
   * A ZIP of the chosen images, each of which the user may see. A form post (with the page's CSRF
   * token, as every page POST) so that the selection's form holds no token in an address.
   */
  @POST
  @Path("images/download")
  @Produces("application/zip")
  public Response downloadSelection(@FormParam("id") List<Long> ids) {
    List<ImageZip.Entry> entries = images.download(Images.selection(ids), user());
    return zip(entries, "unclip-images.zip");
  }

  /** A ZIP of a job's images, those the user may see: their own, shared ones, or any for admins. */
  @GET
  @Path("jobs/{id}/images.zip")
  @Produces("application/zip")
  public Response downloadJob(@PathParam("id") long jobId) {
    return zip(images.downloadOfJob(jobId, user()), "unclip-job-" + jobId + ".zip");
  }

  private Response zip(List<ImageZip.Entry> entries, String fileName) {
    return Response.ok(new ImageZip(entries, store))
        .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
        .header("Cache-Control", "private, no-store")
        .build();
  }

  private CurrentUser user() {
    return CurrentUser.of(identity);
  }
}
