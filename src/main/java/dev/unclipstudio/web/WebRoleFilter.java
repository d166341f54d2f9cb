package dev.unclipstudio.web;

import dev.unclipstudio.config.StudioConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * On instances without the web role, pages and the API answer 404; health and metrics (under /q)
 * stay, so that worker-only instances can still be watched.
 */
public class WebRoleFilter {

  private final StudioConfig config;

  WebRoleFilter(StudioConfig config) {
    this.config = config;
  }

  @ServerRequestFilter(preMatching = true)
  public Response refuseWhenNotWeb(ContainerRequestContext request) {
    if (config.roles().web()) {
      return null;
    }
    return Response.status(Response.Status.NOT_FOUND)
        .type(MediaType.TEXT_PLAIN)
        .entity("This instance runs workers only (studio.roles.web=false).")
        .build();
  }
}
