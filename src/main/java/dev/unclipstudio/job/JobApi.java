package dev.unclipstudio.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.web.Problem;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The JSON API for scripts: submit, status, list, cancel. Authenticated by personal API tokens
 * ({@code Authorization: Bearer …}), with the same validation, limits and permissions as the pages:
 * every submission goes through {@link JobRequests}. A submission may carry an {@code
 * Idempotency-Key}, so that a client whose answer was lost can send it again safely.
 */
@Path("/api/v1/jobs")
@Authenticated
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobApi {

  // What the OpenAPI document says of each outcome; error bodies are described by web.ApiDocs
  private static final String INVALID =
      "Invalid fields (each named in fields), a blocked prompt, or a job the pack cannot run";
  private static final String OVER_LIMIT = "Over your active-job cap, daily quota or the queue's";
  private static final String NO_IMAGE =
      "A source image that does not exist or that you may not see";
  private static final String NO_JOB = "No job of yours with this id";
  private static final String QUEUED =
      "Queued: the job, its address in Location. For an Idempotency-Key sent in the last 24 hours,"
          + " the job that request queued (header Idempotent-Replayed: true), nothing new";
  private static final String KEY_REUSED =
      "This Idempotency-Key was sent in the last 24 hours with a different request";
  private static final String KEY =
      "Any string of 1 to 255 printable ASCII characters (a UUID, say), new for each new request."
          + " The same key with the same request within 24 hours returns the job it queued instead"
          + " of queuing another or counting against your quota again; with a different request it"
          + " is refused (422). Requests that queued nothing (400, 429, ...) are not remembered.";

  /**
   * A text → image request; omitted numbers mean the pack's defaults, an omitted seed a random one.
   * In every request an omitted {@code pack} (a pack.json name) means the studio's default pack.
   */
  public record TextToImage(
      String prompt,
      Integer images,
      Long seed,
      Integer priorSteps,
      Double priorGuidanceScale,
      Integer decoderSteps,
      Double decoderGuidanceScale,
      String pack) {

    TextToImageCommand toCommand() {
      return new TextToImageCommand(
          prompt,
          images == null ? 1 : images,
          seed,
          priorSteps,
          priorGuidanceScale,
          decoderSteps,
          decoderGuidanceScale);
    }
  }

  /** Variations of an image you may see. */
  public record Variation(
      Long sourceImageId,
      Integer images,
      Integer decoderSteps,
      Double decoderGuidanceScale,
      String pack) {

    VariationCommand toCommand() {
      return VariationCommand.ofGalleryImage(
          sourceImageId, images == null ? 4 : images, decoderSteps, decoderGuidanceScale);
    }
  }

  /** Frames between two images you may see; one seed for all frames (random when omitted). */
  public record Interpolation(Long imageA, Long imageB, Integer frames, Long seed, String pack) {

    InterpolationCommand toCommand() {
      return new InterpolationCommand(imageA, imageB, frames == null ? 5 : frames, seed);
    }
  }

  /** Inpainting: a gallery image or a base64 source, a base64 mask (white = repaint), a prompt. */
  public record Inpaint(
      Long sourceImageId, String source, String mask, String prompt, Integer images, String pack) {}

  private final JobRequests requests;
  private final JobService jobs;
  private final JobQueue queue;
  private final SecurityIdentity identity;
  private final ObjectMapper json;

  JobApi(
      JobRequests requests,
      JobService jobs,
      JobQueue queue,
      SecurityIdentity identity,
      ObjectMapper json) {
    this.json = json;
    this.requests = requests;
    this.jobs = jobs;
    this.queue = queue;
    this.identity = identity;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue a text → image job")
  @APIResponse(
      responseCode = "202",
      description = QUEUED,
      content =
          @Content(
              schema = @Schema(implementation = JobView.class),
              examples = @ExampleObject(name = "queued", value = ApiExamples.QUEUED_JOB)))
  @APIResponse(responseCode = "400", description = INVALID)
  @APIResponse(responseCode = "422", description = KEY_REUSED)
  @APIResponse(responseCode = "429", description = OVER_LIMIT)
  public Response submit(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      examples =
                          @ExampleObject(
                              name = "text-to-image",
                              value = ApiExamples.TEXT_TO_IMAGE)))
          TextToImage request,
      @HeaderParam(IdempotencyKey.HEADER) @Parameter(description = KEY) String keyHeader) {
    if (request == null) {
      return error(400, "Send a JSON body with at least a prompt.", Map.of());
    }
    return submit(request.pack(), request.toCommand(), Map.of(), "jobs", request, keyHeader);
  }

  @POST
  @Path("variations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue variations of an image")
  @APIResponse(
      responseCode = "202",
      description = QUEUED,
      content =
          @Content(
              schema = @Schema(implementation = JobView.class),
              examples = @ExampleObject(name = "queued", value = ApiExamples.QUEUED_JOB)))
  @APIResponse(responseCode = "400", description = INVALID)
  @APIResponse(responseCode = "404", description = NO_IMAGE)
  @APIResponse(responseCode = "422", description = KEY_REUSED)
  @APIResponse(responseCode = "429", description = OVER_LIMIT)
  public Response variations(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      examples =
                          @ExampleObject(name = "variations", value = ApiExamples.VARIATION)))
          Variation request,
      @HeaderParam(IdempotencyKey.HEADER) @Parameter(description = KEY) String keyHeader) {
    if (request == null || request.sourceImageId() == null) {
      return error(
          400,
          "Send a JSON body with sourceImageId.",
          Map.of("sourceImageId", RequestRules.REQUIRED));
    }
    return submit(request.pack(), request.toCommand(), Map.of(), "variations", request, keyHeader);
  }

  @POST
  @Path("interpolations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue an interpolation between two images")
  @APIResponse(
      responseCode = "202",
      description = QUEUED,
      content =
          @Content(
              schema = @Schema(implementation = JobView.class),
              examples = @ExampleObject(name = "queued", value = ApiExamples.QUEUED_JOB)))
  @APIResponse(responseCode = "400", description = INVALID)
  @APIResponse(responseCode = "404", description = NO_IMAGE)
  @APIResponse(responseCode = "422", description = KEY_REUSED)
  @APIResponse(responseCode = "429", description = OVER_LIMIT)
  public Response interpolation(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      examples =
                          @ExampleObject(
                              name = "interpolation",
                              value = ApiExamples.INTERPOLATION)))
          Interpolation request,
      @HeaderParam(IdempotencyKey.HEADER) @Parameter(description = KEY) String keyHeader) {
    if (request == null) {
      return error(
          400,
          "Send a JSON body with imageA and imageB.",
          Map.of("images", RequestRules.TWO_IMAGES));
    }
    return submit(
        request.pack(), request.toCommand(), Map.of(), "interpolations", request, keyHeader);
  }

  @POST
  @Path("inpaint")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Queue inpainting",
      description =
          "sourceImageId or source (base64 PNG/JPEG), mask (base64, "
              + "white = repaint), prompt, images")
  @APIResponse(
      responseCode = "202",
      description = QUEUED,
      content =
          @Content(
              schema = @Schema(implementation = JobView.class),
              examples = @ExampleObject(name = "queued", value = ApiExamples.QUEUED_JOB)))
  @APIResponse(responseCode = "400", description = INVALID)
  @APIResponse(responseCode = "404", description = NO_IMAGE)
  @APIResponse(responseCode = "422", description = KEY_REUSED)
  @APIResponse(responseCode = "429", description = OVER_LIMIT)
  public Response inpaint(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      examples = @ExampleObject(name = "inpaint", value = ApiExamples.INPAINT)))
          Inpaint request,
      @HeaderParam(IdempotencyKey.HEADER) @Parameter(description = KEY) String keyHeader) {
    if (request == null) {
      return error(400, "Send a JSON body with a mask, a prompt and a source.", Map.of());
    }
    Map<String, String> uploadProblems = new LinkedHashMap<>();
    byte[] source =
        request.sourceImageId() != null
            ? null
            : accept(request.source(), "source", "the image to repaint", uploadProblems);
    byte[] mask = accept(request.mask(), "mask", "a mask", uploadProblems);
    InpaintCommand command =
        new InpaintCommand(
            request.sourceImageId(),
            source,
            mask,
            request.prompt(),
            request.images() == null ? 1 : request.images(),
            null,
            null);
    return submit(request.pack(), command, uploadProblems, "inpaint", request, keyHeader);
  }

  /** The image decoded from base64 and re-encoded as PNG, or null with its message noted. */
  private static byte[] accept(
      String base64, String field, String what, Map<String, String> problems) {
    try {
      return Uploads.acceptImage(base64 == null ? null : Base64.getDecoder().decode(base64), what);
    } catch (InvalidImageException e) {
      problems.put(field, e.getMessage());
    } catch (IllegalArgumentException e) {
      problems.put(field, "Send " + what + " as base64.");
    }
    return null;
  }

  @GET
  @Operation(summary = "Your jobs, newest first")
  public List<JobView> list(@QueryParam("limit") Integer limit) {
    int n = limit == null ? 50 : Math.max(1, Math.min(limit, 200));
    return jobs.recent(user(), n);
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One job: status, progress, queue position, error, result image ids")
  @APIResponse(
      responseCode = "200",
      description = "The job",
      content = @Content(schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "404", description = NO_JOB)
  public Response get(@PathParam("id") long id) {
    return jobs.visible(id, user())
        .map(job -> Response.ok(job).build())
        .orElseGet(() -> error(404, "No such job.", Map.of()));
  }

  @POST
  @Path("{id}/cancel")
  @Operation(summary = "Cancel a job: a queued one at once, a running one within one step")
  @APIResponse(
      responseCode = "200",
      description = "The outcome: CANCELLED, REQUESTED or ALREADY_FINISHED")
  @APIResponse(responseCode = "404", description = NO_JOB)
  public Response cancel(@PathParam("id") long id) {
    if (!jobs.mayAccess(id, user())) {
      return error(404, "No such job.", Map.of());
    }
    CancelOutcome outcome = queue.cancel(id);
    return Response.ok(Map.of("outcome", outcome.name())).build();
  }

  /**
   * Submits once per Idempotency-Key: {@code operation} and {@code request} (the body as read) are
   * what tells a resend from a different request under the same key.
   */
  private Response submit(
      String pack,
      JobCommand command,
      Map<String, String> uploadProblems,
      String operation,
      Object request,
      String keyHeader) {
    IdempotencyKey key;
    try {
      key = IdempotencyKey.of(keyHeader, operation, request, json);
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage(), Map.of(IdempotencyKey.HEADER, e.getMessage()));
    }
    return respond(requests.submit(user(), pack, command, uploadProblems, key));
  }

  /**
   * 202 with the job and its address; otherwise the outcome's status, message and field messages.
   */
  private Response respond(SubmitOutcome outcome) {
    if (!outcome.queued()) {
      return error(outcome.result().status(), outcome.message(), outcome.fields());
    }
    JobView job = jobs.visible(outcome.jobId(), user()).orElseThrow();
    Response.ResponseBuilder accepted =
        Response.accepted(job).location(URI.create("/api/v1/jobs/" + job.id()));
    if (outcome.result() == SubmitOutcome.Result.ALREADY_QUEUED) {
      accepted.header("Idempotent-Replayed", "true");
    }
    return accepted.build();
  }

  private static Response error(int status, String message, Map<String, String> fields) {
    return Problem.of(status, message, fields).toResponse();
  }

  private CurrentUser user() {
    return CurrentUser.of(identity);
  }
}
