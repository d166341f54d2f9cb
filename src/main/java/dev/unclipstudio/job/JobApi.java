package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.gallery.Image;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.web.Forms;
import dev.unclipstudio.web.Users;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The JSON API for scripts: submit, status, list, cancel. Authenticated by personal API tokens
 * ({@code Authorization: Bearer …}), with the same validation, limits and permissions as the pages.
 */
@Path("/api/v1/jobs")
@Authenticated
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobApi {

  /** A text → image request; omitted numbers mean the pack's defaults, an omitted seed a random one. */
  public record TextToImage(String prompt, Integer images, Long seed, Integer priorSteps, Double priorGuidanceScale,
      Integer decoderSteps, Double decoderGuidanceScale) {

    SubmitForm toForm() {
      return new SubmitForm(prompt, images == null ? "1" : images.toString(), str(seed), str(priorSteps),
          str(priorGuidanceScale), str(decoderSteps), str(decoderGuidanceScale));
    }

    private static String str(Object o) {
      return o == null ? "" : o.toString();
    }
  }

  /** Variations of an image you may see. */
  public record Variation(Long sourceImageId, Integer images, Integer decoderSteps, Double decoderGuidanceScale) {}

  /** Frames between two images you may see; one seed for all frames (random when omitted). */
  public record Interpolation(Long imageA, Long imageB, Integer frames, Long seed) {}

  /** Inpainting: a gallery image or a base64 source, a base64 mask (white = repaint), a prompt. */
  public record Inpaint(Long sourceImageId, String source, String mask, String prompt, Integer images) {}

  /** An error as the API reports it: a message, and a message per field where a field is at fault. */
  public record ApiError(String error, Map<String, String> fields) {}

  private final JobSubmission submission;
  private final JobQueue queue;
  private final ActivePack activePack;
  private final StudioConfig config;
  private final SecurityIdentity identity;

  JobApi(JobSubmission submission, JobQueue queue, ActivePack activePack, StudioConfig config,
      SecurityIdentity identity) {
    this.submission = submission;
    this.queue = queue;
    this.activePack = activePack;
    this.config = config;
    this.identity = identity;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue a text → image job", description = "202 with the job; 400 with per-field errors; 429 over a limit")
  public Response submit(TextToImage request) {
    if (request == null) {
      return error(400, "Send a JSON body with at least a prompt.", Map.of());
    }
    SubmitForm form = request.toForm();
    Map<String, String> errors = form.validate(config);
    if (!errors.isEmpty()) {
      return error(400, "The request has invalid fields.", errors);
    }
    return queue(JobKind.TEXT_TO_IMAGE, form.toParams(), Map.of());
  }

  @POST
  @Path("variations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue variations of an image", description = "202 with the job; 404 for an image you may not see")
  public Response variations(Variation request) {
    if (request == null || request.sourceImageId() == null) {
      return error(400, "Send a JSON body with sourceImageId.", Map.of("sourceImageId", "Required."));
    }
    if (!mayView(request.sourceImageId())) {
      return error(404, "No such image.", Map.of());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    int images = request.images() == null ? 4 : request.images();
    if (images < 1 || images > config.queue().maxImagesPerJob()) {
      errors.put("images", "Use 1 to %d images.".formatted(config.queue().maxImagesPerJob()));
    }
    if (request.decoderSteps() != null && (request.decoderSteps() < 1 || request.decoderSteps() > SubmitForm.MAX_STEPS)) {
      errors.put("decoderSteps", "Use 1 to %d steps.".formatted(SubmitForm.MAX_STEPS));
    }
    Double guidance = request.decoderGuidanceScale();
    if (guidance != null && !(guidance >= 0 && guidance <= SubmitForm.MAX_GUIDANCE)) {
      errors.put("decoderGuidanceScale", "Use a number from 0 to 30.");
    }
    if (!errors.isEmpty()) {
      return error(400, "The request has invalid fields.", errors);
    }
    return queue(JobKind.VARIATION, JobParams.variation(request.sourceImageId(), SubmitForm.randomSeeds(images),
        request.decoderSteps(), guidance), Map.of());
  }

  @POST
  @Path("interpolations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue an interpolation between two images", description = "202 with the job")
  public Response interpolation(Interpolation request) {
    if (request == null || request.imageA() == null || request.imageB() == null) {
      return error(400, "Send a JSON body with imageA and imageB.", Map.of("images", "Choose two images."));
    }
    if (!mayView(request.imageA()) || !mayView(request.imageB())) {
      return error(404, "No such image.", Map.of());
    }
    int frames = request.frames() == null ? 5 : request.frames();
    if (request.imageA().equals(request.imageB()) || frames < 2 || frames > ImageJobResource.MAX_FRAMES
        || (request.seed() != null && request.seed() < 0)) {
      return error(400, "Use two different images, 2 to %d frames and a seed of 0 or more."
          .formatted(ImageJobResource.MAX_FRAMES), Map.of());
    }
    long seed = request.seed() != null ? request.seed() : SubmitForm.randomSeeds(1).get(0);
    return queue(JobKind.INTERPOLATION, JobParams.interpolation(request.imageA(), request.imageB(), frames, seed),
        Map.of());
  }

  @POST
  @Path("inpaint")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue inpainting", description = "sourceImageId or source (base64 PNG/JPEG), mask (base64, "
      + "white = repaint), prompt, images; 202 with the job")
  public Response inpaint(Inpaint request) {
    if (request == null) {
      return error(400, "Send a JSON body with a mask, a prompt and a source.", Map.of());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    if (request.sourceImageId() != null) {
      if (!mayView(request.sourceImageId())) {
        return error(404, "No such image.", Map.of());
      }
    } else {
      accept(request.source(), "source", "the image to repaint", inputs, errors);
    }
    accept(request.mask(), "mask", "a mask", inputs, errors);
    String text = Forms.normalizeText(request.prompt());
    if (text.isEmpty() || text.length() > config.queue().maxPromptLength()) {
      errors.put("prompt", "Use 1 to %d characters.".formatted(config.queue().maxPromptLength()));
    }
    int count = request.images() == null ? 1 : request.images();
    if (count < 1 || count > config.queue().maxImagesPerJob()) {
      errors.put("images", "Use 1 to %d images.".formatted(config.queue().maxImagesPerJob()));
    }
    if (!errors.isEmpty()) {
      return error(400, "The request has invalid fields.", errors);
    }
    return queue(JobKind.INPAINT,
        JobParams.inpaint(text, request.sourceImageId(), SubmitForm.randomSeeds(count), null, null), inputs);
  }

  private static void accept(String base64, String name, String what, Map<String, byte[]> inputs,
      Map<String, String> errors) {
    try {
      inputs.put(name, Uploads.acceptImage(base64 == null ? null : Base64.getDecoder().decode(base64), what));
    } catch (InvalidImageException e) {
      errors.put(name, e.getMessage());
    } catch (IllegalArgumentException e) {
      errors.put(name, "Send " + what + " as base64.");
    }
  }

  @GET
  @Operation(summary = "Your jobs, newest first")
  @Transactional
  public List<JobView> list(@QueryParam("limit") Integer limit) {
    int n = limit == null ? 50 : Math.max(1, Math.min(limit, 200));
    return JobView.ofAll(Job.recentOf(user().id(), n));
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One job: status, progress, queue position, error, result image ids")
  @Transactional
  public Response get(@PathParam("id") long id) {
    Job job = Job.findById(id);
    if (job == null || !user().mayAccess(job.ownerId)) {
      return error(404, "No such job.", Map.of());
    }
    return Response.ok(JobView.of(job)).build();
  }

  @POST
  @Path("{id}/cancel")
  @Operation(summary = "Cancel a job: a queued one at once, a running one within one step")
  public Response cancel(@PathParam("id") long id) {
    Response found = get(id);
    if (found.getStatus() != 200) {
      return found;
    }
    CancelOutcome outcome = queue.cancel(id);
    return Response.ok(Map.of("outcome", outcome.name())).build();
  }

  /** Every API submission ends here: 202 with the job, 429 over a limit, 400 for a blocked prompt. */
  private Response queue(JobKind kind, JobParams params, Map<String, byte[]> inputs) {
    ModelPack pack = activePack.pack();
    if (pack == null) {
      return error(503, activePack.problem(), Map.of());
    }
    if (kind == JobKind.INPAINT && !pack.hasInpainting()) {
      return error(503, "This model pack has no inpainting model.", Map.of());
    }
    try {
      long id = submission.submit(user(), kind, params, pack.name(), pack.version(), inputs);
      return Response.accepted(view(id)).location(URI.create("/api/v1/jobs/" + id)).build();
    } catch (LimitExceededException e) {
      return error(429, e.getMessage(), Map.of());
    } catch (BlockedPromptException e) {
      return error(400, e.getMessage(), Map.of("prompt", e.getMessage()));
    }
  }

  /** Shared images, one's own, or any for admins. */
  @Transactional
  boolean mayView(long imageId) {
    Image image = Image.findById(imageId);
    return image != null && image.visibleTo(user());
  }

  @Transactional
  JobView view(long id) {
    return JobView.of(Job.findById(id));
  }

  private static Response error(int status, String message, Map<String, String> fields) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(message, fields)).build();
  }

  private CurrentUser user() {
    return Users.current(identity);
  }
}
