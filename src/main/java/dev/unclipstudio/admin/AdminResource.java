package dev.unclipstudio.admin;

import dev.unclipstudio.account.Role;
import dev.unclipstudio.account.SessionStore;
import dev.unclipstudio.account.SignUpLimit;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.JobSubmission;
import dev.unclipstudio.job.PromptBlocklist;
import dev.unclipstudio.job.QueueSettings;
import dev.unclipstudio.worker.WorkerRegistry;
import dev.unclipstudio.worker.WorkerState;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's console: all jobs, workers, users, queue limits and the prompt blocklist. Admins
 * only.
 */
@Path("/admin")
@RolesAllowed("ADMIN")
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class AdminResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance jobs(List<AdminJobs.Row> jobs, AdminJobs.Filter filter);

    static native TemplateInstance workers(
        List<AdminWorkers.Row> workers, List<AdminPacks.Row> packs);

    static native TemplateInstance users(List<UserRow> users);

    static native TemplateInstance settings(
        QueueSettings.Limits limits, int signupsPerHour, List<PromptBlocklist.Entry> blocklist);

    static native TemplateInstance confirm(Confirmation confirmation);
  }

  /** What the owner of a job an admin cancelled reads on its page and in the API (its error). */
  static final String CANCELLED_BY_ADMIN = "Cancelled by an administrator.";

  private final AdminJobs jobs;
  private final AdminWorkers workers;
  private final AdminPacks packs;
  private final AdminUsers users;
  private final JobQueue queue;
  private final JobSubmission submission;
  private final WorkerRegistry registry;
  private final SessionStore sessions;
  private final QueueSettings settings;
  private final PromptBlocklist blocklist;
  private final SignUpLimit signUpLimit;

  AdminResource(
      AdminJobs jobs,
      AdminWorkers workers,
      AdminPacks packs,
      AdminUsers users,
      JobQueue queue,
      JobSubmission submission,
      WorkerRegistry registry,
      SessionStore sessions,
      QueueSettings settings,
      PromptBlocklist blocklist,
      SignUpLimit signUpLimit) {
    this.jobs = jobs;
    this.workers = workers;
    this.packs = packs;
    this.users = users;
    this.queue = queue;
    this.submission = submission;
    this.registry = registry;
    this.sessions = sessions;
    this.settings = settings;
    this.blocklist = blocklist;
    this.signUpLimit = signUpLimit;
  }

  @GET
  public Response index() {
    return Response.seeOther(URI.create("/admin/jobs")).build();
  }

  @GET
  @Path("jobs")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance jobs(@Context UriInfo uri) {
    AdminJobs.Filter filter = AdminJobs.Filter.of(uri.getQueryParameters());
    return Templates.jobs(jobs.find(filter, 200), filter);
  }

  @POST
  @Path("jobs/{id}/cancel")
  @Produces(MediaType.TEXT_HTML)
  public Response cancel(
      @PathParam("id") long id,
      @FormParam(Confirmation.FIELD) String confirmed,
      @Context UriInfo uri) {
    AdminJobs.Row job = jobs.find(id).orElseThrow(NotFoundException::new);
    // one that ended meanwhile has nothing to confirm: the list shows how it ended
    if (job.active() && !Confirmation.given(confirmed)) {
      return confirm(
          new Confirmation(
              "Cancel job #" + id + " of " + job.owner() + "?",
              "It stops (a queued job at once, a running one within one step) and its images are"
                  + " not made. "
                  + job.owner()
                  + " sees \""
                  + CANCELLED_BY_ADMIN
                  + "\" on its page and can retry it.",
              uri.getRequestUri().getRawPath() + filterOf(uri).query(),
              Map.of(),
              "Cancel job #" + id,
              "/admin/jobs" + filterOf(uri).query()));
    }
    queue.cancel(id, CANCELLED_BY_ADMIN);
    return backToJobs(uri);
  }

  @POST
  @Path("jobs/{id}/retry")
  public Response retry(@PathParam("id") long id, @Context UriInfo uri) {
    submission.retryOverridingLimits(id);
    return backToJobs(uri);
  }

  @POST
  @Path("jobs/{id}/priority")
  public Response priority(
      @PathParam("id") long id, @FormParam("priority") Integer priority, @Context UriInfo uri) {
    if (priority == null || priority < -100 || priority > 100) {
      throw new BadRequestException("Priority must be a whole number from -100 to 100.");
    }
    jobs.setPriority(id, priority);
    return backToJobs(uri);
  }

  @POST
  @Path("jobs/purge")
  @Produces(MediaType.TEXT_HTML)
  public Response purge(
      @FormParam("days") Integer days,
      @FormParam(Confirmation.FIELD) String confirmed,
      @Context UriInfo uri) {
    if (days == null || days < 1) {
      throw new BadRequestException(
          "Give the age in days (1 or more) of the finished jobs to purge.");
    }
    if (!Confirmation.given(confirmed)) {
      long count = jobs.countPurgeable(days);
      return confirm(
          new Confirmation(
              "Delete " + count + (count == 1 ? " job" : " jobs") + "?",
              "Failed and cancelled jobs, and succeeded jobs whose images are gone, finished more"
                  + " than "
                  + days
                  + " days ago, are deleted for good. Images are never deleted.",
              uri.getRequestUri().getRawPath() + filterOf(uri).query(),
              Map.of("days", days.toString()),
              "Delete " + count + (count == 1 ? " job" : " jobs"),
              "/admin/jobs" + filterOf(uri).query()));
    }
    jobs.purgeFinishedOlderThan(days);
    return backToJobs(uri);
  }

  @GET
  @Path("workers")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance workers() {
    return Templates.workers(workers.list(), packs.list());
  }

  @POST
  @Path("workers/{instance}/{command}")
  public Response command(
      @PathParam("instance") String instance, @PathParam("command") String command) {
    WorkerState desired =
        switch (command) {
          case "pause" -> WorkerState.PAUSED;
          case "resume" -> WorkerState.RUNNING;
          case "drain" -> WorkerState.DRAINING;
          default -> throw new NotFoundException();
        };
    registry.command(instance, desired);
    return Response.seeOther(URI.create("/admin/workers")).build();
  }

  @GET
  @Path("users")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance users() {
    return Templates.users(users.list());
  }

  @POST
  @Path("users/{id}")
  @Produces(MediaType.TEXT_HTML)
  public Response updateUser(
      @PathParam("id") long id,
      @FormParam("enabled") boolean enabled,
      @FormParam("role") Role role,
      @FormParam("maxActiveJobs") Integer maxActiveJobs,
      @FormParam("dailyImageQuota") Integer dailyImageQuota,
      @FormParam(Confirmation.FIELD) String confirmed) {
    UserSettings settings = new UserSettings(enabled, role, maxActiveJobs, dailyImageQuota);
    if (!settings.valid()) {
      throw new BadRequestException(UserSettings.RULES);
    }
    UserRow user = users.find(id).orElseThrow(NotFoundException::new);
    if (user.enabled() && !enabled && !Confirmation.given(confirmed)) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("role", role.name());
      fields.put("maxActiveJobs", maxActiveJobs == null ? "" : maxActiveJobs.toString());
      fields.put("dailyImageQuota", dailyImageQuota == null ? "" : dailyImageQuota.toString());
      return confirm(
          new Confirmation(
              "Disable " + user.username() + "?",
              user.username()
                  + " is signed out at once, and neither their sessions nor their API tokens work"
                  + " until an admin enables the account again. Their jobs and images stay.",
              "/admin/users/" + id,
              fields,
              "Disable " + user.username(),
              "/admin/users"));
    }
    if (!users.update(id, settings)) {
      throw new NotFoundException();
    }
    return Response.seeOther(URI.create("/admin/users")).build();
  }

  @POST
  @Path("users/{id}/sign-out")
  @Produces(MediaType.TEXT_HTML)
  public Response signOutUser(
      @PathParam("id") long id, @FormParam(Confirmation.FIELD) String confirmed) {
    UserRow user = users.find(id).orElseThrow(NotFoundException::new);
    if (!Confirmation.given(confirmed)) {
      return confirm(
          new Confirmation(
              "Sign " + user.username() + " out everywhere?",
              "Every browser session of "
                  + user.username()
                  + " ends now; they can sign in again. Their API tokens keep working.",
              "/admin/users/" + id + "/sign-out",
              Map.of(),
              "Sign " + user.username() + " out",
              "/admin/users"));
    }
    sessions.closeAll(id);
    return Response.seeOther(URI.create("/admin/users")).build();
  }

  @GET
  @Path("settings")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance settings() {
    return Templates.settings(
        settings.limits(), signUpLimit.perAddressPerHour(), blocklist.entries());
  }

  @POST
  @Path("settings/limits")
  public Response limits(
      @FormParam("maxActivePerUser") Integer maxActivePerUser,
      @FormParam("dailyImageQuota") Integer dailyImageQuota,
      @FormParam("maxQueued") Integer maxQueued) {
    if (maxActivePerUser == null
        || dailyImageQuota == null
        || maxQueued == null
        || maxActivePerUser < 1
        || dailyImageQuota < 1
        || maxQueued < 1) {
      throw new BadRequestException("Every limit must be a whole number of 1 or more.");
    }
    settings.set(new QueueSettings.Limits(maxActivePerUser, dailyImageQuota, maxQueued));
    return Response.seeOther(URI.create("/admin/settings")).build();
  }

  @POST
  @Path("settings/sign-up")
  public Response signUpLimit(@FormParam("signupsPerHour") Integer signupsPerHour) {
    if (signupsPerHour == null || signupsPerHour < 1 || signupsPerHour > 10_000) {
      throw new BadRequestException(
          "Accounts per address per hour must be a whole number from 1 to 10000.");
    }
    signUpLimit.setPerAddressPerHour(signupsPerHour);
    return Response.seeOther(URI.create("/admin/settings")).build();
  }

  @POST
  @Path("settings/blocklist")
  public Response block(@FormParam("pattern") String pattern) {
    if (pattern == null || pattern.isBlank() || pattern.length() > 200) {
      throw new BadRequestException("Give a word or phrase of 1 to 200 characters.");
    }
    blocklist.add(pattern);
    return Response.seeOther(URI.create("/admin/settings")).build();
  }

  @POST
  @Path("settings/blocklist/{id}/delete")
  public Response unblock(@PathParam("id") long id) {
    blocklist.remove(id);
    return Response.seeOther(URI.create("/admin/settings")).build();
  }

  /** The job list as it was filtered: the actions' addresses carry its filter. */
  private static Response backToJobs(UriInfo uri) {
    return Response.seeOther(URI.create("/admin/jobs" + filterOf(uri).query())).build();
  }

  private static AdminJobs.Filter filterOf(UriInfo uri) {
    return AdminJobs.Filter.of(uri.getQueryParameters());
  }

  private static Response confirm(Confirmation confirmation) {
    return Response.ok(Templates.confirm(confirmation)).build();
  }
}
