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
    /** {@code source}: the gallery image to vary; null for the upload form. */
    static native TemplateInstance variations(
        ImageCard source,
        String images,
        Map<String, String> errors,
        String formError,
        PackChoice packs);

    static native TemplateInstance interpolate(
        ImageCard a,
        ImageCard b,
        List<ImageCard> choices,
        InterpolateForm form,
        Map<String, String> errors,
        String formError,
        PackChoice packs);

    static native TemplateInstance inpaint(
        ImageCard source,
        InpaintForm form,
        Map<String, String> errors,
        String formError,
        PackChoice packs);
  }

  /** The interpolation form's numbers as typed, kept to fill the form again when it is refused. */
  public record InterpolateForm(String frames, String seed) {}

  /** The inpainting form as typed (the files aside: a browser cannot be given them back). */
  public record InpaintForm(String prompt, String images, String steps, String guidanceScale) {}

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
        outcome ->
            Templates.variations(
                sources.visibleOrNull(id, user()),
                images,
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.VARIATION, pack)));
  }

  @GET
  @Path("variations")
  public TemplateInstance variationsPage() {
    return Templates.variations(
        null, "4", Map.of(), null, packs.choiceFor(JobKind.VARIATION, null));
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
                null,
                images,
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.VARIATION, pack)));
  }

  @GET
  @Path("interpolate")
  public TemplateInstance interpolatePage(@QueryParam("a") Long a, @QueryParam("b") Long b) {
    return Templates.interpolate(
        a == null ? null : sources.visible(a, user()),
        b == null ? null : sources.visible(b, user()),
        sources.choices(user()),
        new InterpolateForm("5", ""),
        Map.of(),
        null,
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
                new InterpolateForm(frames, seed),
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.INTERPOLATION, pack)));
  }

  @GET
  @Path("inpaint")
  public TemplateInstance inpaintPage(@QueryParam("image") Long imageId) {
    return Templates.inpaint(
        imageId == null ? null : sources.visible(imageId, user()),
        new InpaintForm("", "2", "", ""),
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
        sourceImageId != null ? null : accept(source, "source", "an image to repaint", "", fields);
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
                new InpaintForm(prompt, images, steps, guidanceScale),
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.INPAINT, pack)));
  }

  /**
   * 303 to the new job; a 404 for a source the user may not see; else the form again with the input
   * and the messages, under the refusal's status: 400 for what was sent, 429 over a limit, 503 when
   * no pack can run it — as the create page answers.
   */
  private static Response respond(
      SubmitOutcome outcome, Function<SubmitOutcome, TemplateInstance> page) {
    if (outcome.queued()) {
      return Response.seeOther(URI.create("/jobs/" + outcome.jobId())).build();
    }
    if (outcome.result() == Result.NOT_FOUND) {
      throw new NotFoundException();
    }
    return Response.status(outcome.result().status()).entity(page.apply(outcome)).build();
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
