package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.gallery.Images;
import dev.unclipstudio.gallery.JobResults;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Submitting text → image jobs, the user's job list, one job's page, cancel, retry and the live
 * progress stream.
 */
@Path("/")
@Authenticated
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class JobResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance create(
        SubmitForm form,
        Map<String, String> errors,
        String formError,
        PackChoice packs,
        List<JobView> recent);

    static native TemplateInstance jobs(List<JobView> jobs);

    static native TemplateInstance job(
        JobView job, String owner, String retryProblem, JobResults results);
  }

  private final JobRequests requests;
  private final JobService jobs;
  private final ProgressHub progress;
  private final JobQueue queue;
  private final StudioPacks packs;
  private final RequestLimits limits;
  private final SecurityIdentity identity;
  private final Images images;

  JobResource(
      JobRequests requests,
      JobService jobs,
      ProgressHub progress,
      JobQueue queue,
      StudioPacks packs,
      StudioConfig config,
      SecurityIdentity identity,
      Images images) {
    this.requests = requests;
    this.jobs = jobs;
    this.progress = progress;
    this.queue = queue;
    this.packs = packs;
    this.limits = RequestLimits.of(config);
    this.identity = identity;
    this.images = images;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance create(@BeanParam CreateFormQuery query) {
    PackChoice choice = packs.choiceFor(JobKind.TEXT_TO_IMAGE, query.pack);
    return createPage(query.toForm(), Map.of(), choice.problem(), choice);
  }

  @POST
  @Path("jobs")
  @Produces(MediaType.TEXT_HTML)
  public Response submit(@BeanParam SubmitFormParams params) {
    SubmitForm form = params.toForm();
    FormFields fields = new FormFields(limits);
    SubmitOutcome outcome =
        requests.submit(user(), params.pack, form.toCommand(fields), fields.problems());
    if (outcome.queued()) {
      return Response.seeOther(URI.create("/jobs/" + outcome.jobId())).build();
    }
    return Response.status(outcome.result().status())
        .entity(
            createPage(
                form,
                outcome.fields(),
                outcome.formMessage(),
                packs.choiceFor(JobKind.TEXT_TO_IMAGE, params.pack)))
        .build();
  }

  @GET
  @Path("jobs")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance jobs() {
    return Templates.jobs(jobs.recent(user(), 100));
  }

  @GET
  @Path("jobs/{id}")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance job(@PathParam("id") long id) {
    JobView job = visibleJob(id);
    return Templates.job(job, jobs.ownerNameFor(id, user()), null, results(job));
  }

  @POST
  @Path("jobs/{id}/cancel")
  public Response cancel(@PathParam("id") long id) {
    checkVisible(id);
    queue.cancel(id);
    return Response.seeOther(URI.create("/jobs/" + id)).build();
  }

  @POST
  @Path("jobs/{id}/retry")
  @Produces(MediaType.TEXT_HTML)
  public Response retry(@PathParam("id") long id) {
    checkVisible(id);
    SubmitOutcome outcome = requests.retry(id);
    if (outcome.queued()) {
      return Response.seeOther(URI.create("/jobs/" + id)).build();
    }
    JobView job = visibleJob(id);
    return Response.status(outcome.result().status())
        .entity(Templates.job(job, jobs.ownerNameFor(id, user()), outcome.message(), results(job)))
        .build();
  }

  /**
   * Progress as server-sent events: the job's state now, then every change as the database
   * announces it, until the job ends ({@link ProgressHub}). Works whichever instance runs the job;
   * a reload simply starts a new stream. Too many open streams of one user answer 429.
   */
  @GET
  @Path("jobs/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  public Multi<JobView> events(@PathParam("id") long id) {
    checkVisible(id);
    try {
      return progress.follow(user(), id);
    } catch (LimitExceededException e) {
      throw new WebApplicationException(
          Response.status(429).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build());
    }
  }

  @GET
  @Path("jobs/{id}/preview.png")
  @Produces("image/png")
  public Response preview(@PathParam("id") long id) {
    checkVisible(id);
    byte[] png = queue.preview(id);
    if (png == null) {
      throw new NotFoundException();
    }
    return Response.ok(png).header("Cache-Control", "no-store").build();
  }

  private TemplateInstance createPage(
      SubmitForm form, Map<String, String> errors, String formError, PackChoice choice) {
    return Templates.create(form, errors, formError, choice, jobs.recent(user(), 8));
  }

  /**
   * Its images, and the image it started from for the before/after of variations and inpainting.
   */
  private JobResults results(JobView job) {
    boolean fromOneImage = job.kind() == JobKind.VARIATION || job.kind() == JobKind.INPAINT;
    return images.resultsOf(
        job.id(), job.details().params().sourceImageIds(), fromOneImage, user());
  }

  /**
   * Other users' jobs are "not found", not "forbidden": their existence is nobody else's business.
   */
  private JobView visibleJob(long id) {
    return jobs.visible(id, user()).orElseThrow(NotFoundException::new);
  }

  private void checkVisible(long id) {
    if (!jobs.mayAccess(id, user())) {
      throw new NotFoundException();
    }
  }

  private CurrentUser user() {
    return CurrentUser.of(identity);
  }
}
