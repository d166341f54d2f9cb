package dev.unclipstudio.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Makes every state-changing page request carry a form, so that quarkus-rest-csrf checks its token.
 *
 * <p>That filter verifies the token only in form bodies (url-encoded or multipart) and lets a POST
 * with no body through unchecked: a cross-site {@code <form method=post>} with no fields, or {@code
 * fetch(url, {method: 'POST', credentials: 'include'})}, would then cancel jobs or sign people out
 * on the strength of the session cookie alone. Other content types are already refused with 415 by
 * the pages' {@code @Consumes}. The JSON API under {@code /api/} is left alone: it authenticates by
 * bearer token only and never accepts the cookie, so a forged request carries no credentials.
 */
public class FormPostGuard {

  static final String MESSAGE =
      "This action must be sent from a form of this site. Reload the page and try again.";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @ServerRequestFilter
  public Response requireForm(ContainerRequestContext request) {
    if (SAFE_METHODS.contains(request.getMethod())
        || request.getUriInfo().getRequestUri().getPath().startsWith("/api/")
        || isForm(request.getMediaType())) {
      return null;
    }
    return Response.status(Response.Status.FORBIDDEN)
        .type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
        .entity(MESSAGE)
        .build();
  }

  /** Exactly the two types whose token the CSRF filter reads (no wildcards). */
  private static boolean isForm(MediaType type) {
    return type != null
        && (sameType(type, MediaType.APPLICATION_FORM_URLENCODED_TYPE)
            || sameType(type, MediaType.MULTIPART_FORM_DATA_TYPE));
  }

  private static boolean sameType(MediaType a, MediaType b) {
    return a.getType().equalsIgnoreCase(b.getType())
        && a.getSubtype().equalsIgnoreCase(b.getSubtype());
  }
}
