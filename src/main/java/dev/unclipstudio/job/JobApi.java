package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.pipeline.pack.ModelPack;
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
    ModelPack pack = activePack.pack();
    if (pack == null) {
      return error(503, activePack.problem(), Map.of());
    }
    try {
      long id = submission.submit(user(), JobKind.TEXT_TO_IMAGE, form.toParams(), pack.name(), pack.version());
      return Response.accepted(view(id)).location(URI.create("/api/v1/jobs/" + id)).build();
    } catch (LimitExceededException e) {
      return error(429, e.getMessage(), Map.of());
    } catch (BlockedPromptException e) {
      return error(400, e.getMessage(), Map.of("prompt", e.getMessage()));
    }
  }

  @GET
  @Operation(summary = "Your jobs, newest first")
  @Transactional
  public List<JobView> list(@QueryParam("limit") Integer limit) {
    int n = limit == null ? 50 : Math.max(1, Math.min(limit, 200));
    return Job.recentOf(user().id(), n).stream().map(JobView::of).toList();
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
