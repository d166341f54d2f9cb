package dev.unclipstudio.gallery;

import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.job.Job;
import dev.unclipstudio.web.Users;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shared gallery, one image's page, its PNG and thumbnail, and the private/shared toggle. */
@Path("/")
@Authenticated
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class GalleryResource {

  static final int PAGE = 24;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance gallery(List<Image> images, String q, Long nextBefore, boolean mine);

    static native TemplateInstance image(Image image, String owner, boolean mayEdit, Map<String, Object> params,
        Image source);
  }

  private final ImageStore store;
  private final SecurityIdentity identity;

  GalleryResource(ImageStore store, SecurityIdentity identity) {
    this.store = store;
    this.identity = identity;
  }

  /** Newest first, keyset-paginated by id so that deep pages cost the same as the first. */
  @GET
  @Path("gallery")
  @Produces(MediaType.TEXT_HTML)
  @Transactional
  public TemplateInstance gallery(@QueryParam("q") String q, @QueryParam("before") Long before,
      @QueryParam("mine") boolean mine) {
    List<Image> page = Gallery.page(mine ? user().id() : null, q, before, PAGE + 1);
    Long next = page.size() > PAGE ? page.get(PAGE - 1).id : null;
    return Templates.gallery(page.subList(0, Math.min(PAGE, page.size())), q == null ? "" : q, next, mine);
  }

  @GET
  @Path("images/{id}")
  @Produces(MediaType.TEXT_HTML)
  @Transactional
  public TemplateInstance image(@PathParam("id") long id) {
    Image image = Image.findVisible(id, user());
    String owner = AppUser.<AppUser>findByIdOptional(image.ownerId).map(u -> u.username).orElse("?");
    Image source = image.sourceImageId == null ? null : Image.<Image>findById(image.sourceImageId);
    if (source != null && !source.visibleTo(user())) {
      source = null;
    }
    return Templates.image(image, owner, user().mayAccess(image.ownerId), store.params(image), source);
  }

  @GET
  @Path("images/{id}.png")
  @Produces("image/png")
  public Response png(@PathParam("id") long id) {
    checkVisible(id);
    return Response.ok(store.png(id))
        .header("Content-Disposition", "attachment; filename=\"unclip-" + id + ".png\"")
        .header("Cache-Control", "private, max-age=31536000, immutable")
        .build();
  }

  /** All images of a job side by side in one PNG (an interpolation's frames, in order). */
  @GET
  @Path("jobs/{jobId}/strip.png")
  @Produces("image/png")
  @Transactional
  public Response strip(@PathParam("jobId") long jobId) {
    Job job = Job.findById(jobId);
    if (job == null || !user().mayAccess(job.ownerId)) {
      throw new NotFoundException();
    }
    List<byte[]> frames = store.pngsOfJob(jobId);
    if (frames.isEmpty()) {
      throw new NotFoundException();
    }
    Map<String, String> text = new LinkedHashMap<>();
    text.put("job", Long.toString(jobId));
    text.put("kind", job.kind.name());
    text.put("frames", Integer.toString(frames.size()));
    return Response.ok(Strips.horizontal(frames, text))
        .header("Content-Disposition", "attachment; filename=\"unclip-job-" + jobId + "-strip.png\"").build();
  }

  @GET
  @Path("images/{id}/thumb.png")
  @Produces("image/png")
  public Response thumbnail(@PathParam("id") long id) {
    checkVisible(id);
    return Response.ok(store.thumbnail(id)).header("Cache-Control", "private, max-age=3600").build();
  }

  @POST
  @Path("images/{id}/visibility")
  @Transactional
  public Response setVisibility(@PathParam("id") long id, @FormParam("visibility") Visibility visibility) {
    Image image = Image.findVisible(id, user());
    if (!user().mayAccess(image.ownerId)) {
      throw new NotFoundException();
    }
    if (visibility == null) {
      return Response.status(Response.Status.BAD_REQUEST).entity("visibility must be PRIVATE or SHARED").build();
    }
    image.visibility = visibility;
    return Response.seeOther(URI.create("/images/" + id)).build();
  }

  @Transactional
  void checkVisible(long id) {
    Image.findVisible(id, user());
  }

  private CurrentUser user() {
    return Users.current(identity);
  }
}
