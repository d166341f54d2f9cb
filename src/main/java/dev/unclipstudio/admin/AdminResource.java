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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

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
  }

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
  public TemplateInstance jobs(
      @QueryParam("status") String status,
      @QueryParam("user") String user,
      @QueryParam("kind") String kind,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    AdminJobs.Filter filter = AdminJobs.Filter.parse(status, user, kind, from, to);
    return Templates.jobs(jobs.find(filter, 200), filter);
  }

  @POST
  @Path("jobs/{id}/cancel")
  public Response cancel(@PathParam("id") long id) {
    queue.cancel(id);
    return backToJobs();
  }

  @POST
  @Path("jobs/{id}/retry")
  public Response retry(@PathParam("id") long id) {
    submission.retryOverridingLimits(id);
    return backToJobs();
  }

  @POST
  @Path("jobs/{id}/priority")
  public Response priority(@PathParam("id") long id, @FormParam("priority") Integer priority) {
    if (priority == null || priority < -100 || priority > 100) {
      throw new BadRequestException("Priority must be a whole number from -100 to 100.");
    }
    jobs.setPriority(id, priority);
    return backToJobs();
  }

  @POST
  @Path("jobs/purge")
  @Produces(MediaType.TEXT_PLAIN)
  public Response purge(@FormParam("days") Integer days) {
    if (days == null || days < 1) {
      throw new BadRequestException(
          "Give the age in days (1 or more) of the finished jobs to purge.");
    }
    jobs.purgeFinishedOlderThan(days);
    return backToJobs();
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
  public Response updateUser(
      @PathParam("id") long id,
      @FormParam("enabled") boolean enabled,
      @FormParam("role") Role role,
      @FormParam("maxActiveJobs") Integer maxActiveJobs,
      @FormParam("dailyImageQuota") Integer dailyImageQuota) {
    UserSettings settings = new UserSettings(enabled, role, maxActiveJobs, dailyImageQuota);
    if (!settings.valid()) {
      throw new BadRequestException(UserSettings.RULES);
    }
    if (!users.update(id, settings)) {
      throw new NotFoundException();
    }
    return Response.seeOther(URI.create("/admin/users")).build();
  }

  @POST
  @Path("users/{id}/sign-out")
  public Response signOutUser(@PathParam("id") long id) {
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

  private static Response backToJobs() {
    return Response.seeOther(URI.create("/admin/jobs")).build();
  }
}
