package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * A job's images as one PNG download; here rather than in the gallery, which knows nothing of jobs.
 */
@Path("/")
@Authenticated
@Blocking
public class JobStripResource {

  private final JobStrips strips;
  private final SecurityIdentity identity;

  JobStripResource(JobStrips strips, SecurityIdentity identity) {
    this.strips = strips;
    this.identity = identity;
  }

  @GET
  @Path("jobs/{jobId}/strip.png")
  @Produces("image/png")
  public Response strip(@PathParam("jobId") long jobId) {
    byte[] png = strips.of(jobId, CurrentUser.of(identity)).orElseThrow(NotFoundException::new);
    return Response.ok(png)
        .header(
            "Content-Disposition", "attachment; filename=\"unclip-job-" + jobId + "-strip.png\"")
        .build();
  }
}
