package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.gallery.ImageCard;
import dev.unclipstudio.job.SubmitOutcome.Result;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Jobs that start from images: variations, interpolation between two images, and inpainting with a
 * painted mask.
 */
@Path("/")
@Authenticated
@Blocking
@Produces(MediaType.TEXT_HTML)
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class ImageJobResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance variations(
        String images, Map<String, String> errors, PackChoice packs);

    static native TemplateInstance interpolate(
        ImageCard a,
        ImageCard b,
        List<ImageCard> choices,
        Map<String, String> errors,
        PackChoice packs);

    static native TemplateInstance inpaint(
        ImageCard source,
        String prompt,
        Map<String, String> errors,
        String formError,
        PackChoice packs);
  }

  private final JobRequests requests;
  private final ImageSources sources;
  private final StudioPacks packs;
  private final RequestLimits limits;
  private final SecurityIdentity identity;

  ImageJobResource(
      JobRequests requests,
      ImageSources sources,
      StudioPacks packs,
      StudioConfig config,
      SecurityIdentity identity) {
    this.requests = requests;
    this.sources = sources;
    this.packs = packs;
    this.limits = RequestLimits.of(config);
    this.identity = identity;
  }

  /** Variations of an image the user may see. */
  @POST
  @Path("images/{id}/variations")
  public Response variationsOf(
      @PathParam("id") long id, @RestForm String images, @RestForm String pack) {
    FormFields fields = new FormFields(limits);
    VariationCommand command =
        VariationCommand.ofGalleryImage(id, fields.images("images", images, 4), null, null);
    return respond(
        requests.submit(user(), pack, command, fields.problems()),
        // the count as typed comes back with the messages: a refused upload must not reset it
        outcome ->
            Templates.variations(
                images, outcome.fields(), packs.choiceFor(JobKind.VARIATION, pack)));
  }

  @GET
  @Path("variations")
  public TemplateInstance variationsPage() {
    return Templates.variations("4", Map.of(), packs.choiceFor(JobKind.VARIATION, null));
  }

  /** Variations of an uploaded image. */
  @POST
  @Path("variations")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response variationsOfUpload(
      @RestForm FileUpload image, @RestForm String images, @RestForm String pack) {
    FormFields fields = new FormFields(limits);
    byte[] png = accept(image, "image", "an image", "", fields);
    VariationCommand command = VariationCommand.ofUpload(png, fields.images("images", images, 4));
    return respond(
        requests.submit(user(), pack, command, fields.problems()),
        // the count as typed comes back with the messages: a refused upload must not reset it
        outcome ->
            Templates.variations(
                images, outcome.fields(), packs.choiceFor(JobKind.VARIATION, pack)));
  }

  @GET
  @Path("interpolate")
  public TemplateInstance interpolatePage(@QueryParam("a") Long a, @QueryParam("b") Long b) {
    return Templates.interpolate(
        a == null ? null : sources.visible(a, user()),
        b == null ? null : sources.visible(b, user()),
        sources.choices(user()),
        Map.of(),
        packs.choiceFor(JobKind.INTERPOLATION, null));
  }

  @POST
  @Path("interpolate")
  public Response interpolate(
      @RestForm Long a,
      @RestForm Long b,
      @RestForm String frames,
      @RestForm String seed,
      @RestForm String pack) {
    FormFields fields = new FormFields(limits);
    InterpolationCommand command =
        new InterpolationCommand(
            a,
            b,
            fields.count("frames", frames, RequestRules.FRAMES, 5),
            fields.seed("seed", seed));
    return respond(
        requests.submit(user(), pack, command, fields.problems()),
        outcome ->
            Templates.interpolate(
                sources.visibleOrNull(a, user()),
                sources.visibleOrNull(b, user()),
                sources.choices(user()),
                outcome.fields(),
                packs.choiceFor(JobKind.INTERPOLATION, pack)));
  }

  @GET
  @Path("inpaint")
  public TemplateInstance inpaintPage(@QueryParam("image") Long imageId) {
    return Templates.inpaint(
        imageId == null ? null : sources.visible(imageId, user()),
        "",
        Map.of(),
        null,
        packs.choiceFor(JobKind.INPAINT, null));
  }

  /**
   * Inpainting: a gallery image or an upload, a mask (light = repaint) sent as a file, and a
   * prompt.
   */
  @POST
  @Path("inpaint")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response inpaint(
      @RestForm Long sourceImageId,
      @RestForm FileUpload source,
      @RestForm FileUpload mask,
      @RestForm String prompt,
      @RestForm String images,
      @RestForm String steps,
      @RestForm String guidanceScale,
      @RestForm String pack) {
    FormFields fields = new FormFields(limits);
    byte[] sourcePng =
        sourceImageId != null ? null : accept(source, "source", "the image to repaint", "", fields);
    byte[] maskPng =
        accept(
            mask,
            "mask",
            "a mask",
            " Paint the region to repaint, or upload a mask (white = repaint).",
            fields);
    InpaintCommand command =
        new InpaintCommand(
            sourceImageId,
            sourcePng,
            maskPng,
            prompt,
            fields.images("images", images, 4),
            fields.whole("steps", steps, RequestRules.STEPS),
            fields.decimal("guidanceScale", guidanceScale, RequestRules.GUIDANCE));
    return respond(
        requests.submit(user(), pack, command, fields.problems()),
        outcome ->
            Templates.inpaint(
                sources.visibleOrNull(sourceImageId, user()),
                command.prompt(),
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.INPAINT, pack)));
  }

  /**
   * 303 to the new job; the form again with its messages when refused for what was sent (400); a
   * 404 for a source the user may not see; the message alone when the studio cannot take the job
   * now (429, 503).
   */
  private static Response respond(
      SubmitOutcome outcome, Function<SubmitOutcome, TemplateInstance> page) {
    return switch (outcome.result()) {
      case QUEUED, ALREADY_QUEUED ->
          Response.seeOther(URI.create("/jobs/" + outcome.jobId())).build();
      case INVALID -> Response.status(Result.INVALID.status()).entity(page.apply(outcome)).build();
      case NOT_FOUND -> throw new NotFoundException();
      case OVER_LIMIT, UNAVAILABLE, KEY_REUSED ->
          Response.status(outcome.result().status())
              .entity(outcome.message())
              .type(MediaType.TEXT_PLAIN)
              .build();
    };
  }

  /**
   * The upload re-encoded as PNG, or null with its message noted for the form ({@code hint}
   * appended).
   */
  private static byte[] accept(
      FileUpload upload, String field, String what, String hint, FormFields fields) {
    try {
      return Uploads.acceptImage(upload, what);
    } catch (InvalidImageException e) {
      fields.note(field, e.getMessage() + hint);
      return null;
    }
  }

  private CurrentUser user() {
    return CurrentUser.of(identity);
  }
}
