package dev.unclipstudio.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.unclipstudio.account.SessionAuthenticationMechanism;
import dev.unclipstudio.job.DatabaseOutage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error the studio answers, in one place: problem details for the JSON API ({@link Problem}),
 * pages in the studio's layout with its navigation for everything else. A database that cannot be
 * reached is 503 (try again), not 500.
 */
public class ErrorResponses {

  private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance error(int status, String title, String message);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, UriInfo uri) {
    Response original = e.getResponse();
    if (original.hasEntity()) {
      return original; // a resource that built its own answer
    }
    if (e.getCause() instanceof JsonProcessingException json) {
      return json(json, uri); // the JSON reader wraps what went wrong
    }
    int status = original.getStatus();
    return respond(uri, status, messageFor(status, e));
  }

  /**
   * A request without a valid sign-in where one is needed: problem details from the API (whatever
   * token it sent, see SessionAuthenticationMechanism), the sign-in page for pages.
   */
  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, UriInfo uri) {
    if (!api(uri)) {
      String path = uri.getRequestUri().getRawPath();
      String query = uri.getRequestUri().getRawQuery();
      return Response.status(Response.Status.FOUND)
          .location(
              URI.create(
                  SessionAuthenticationMechanism.signInPage(
                      query == null ? path : path + "?" + query)))
          .build();
    }
    return Response.fromResponse(
            respond(uri, 401, "Send a valid API token: Authorization: Bearer <token>."))
        .header("WWW-Authenticate", SessionAuthenticationMechanism.API_CHALLENGE)
        .build();
  }

  /**
   * A signed-in user without the role the address needs (the admin pages): Quarkus's own answer is
   * an empty 403, a dead end without navigation.
   */
  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(uri, 403, "This is for administrators only.");
  }

  /** Malformed JSON, a wrong type or an unknown field: the field is named. */
  @ServerExceptionMapper
  public Response json(JsonProcessingException e, UriInfo uri) {
    String message = "The request body is not valid JSON: " + e.getOriginalMessage();
    if (e instanceof UnrecognizedPropertyException u) {
      message = "Unknown field \"" + u.getPropertyName() + "\".";
    } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String field =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      message = "Field \"" + field + "\" has the wrong type or value.";
      return respond(uri, 400, message, Map.of(field, message));
    }
    return respond(uri, 400, message);
  }

  /** Quarkus brings its own mapper for this one; ours answers in the API's format. */
  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
    return json(e, uri);
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e, UriInfo uri) {
    if (DatabaseOutage.isCause(e)) {
      LOG.log(System.Logger.Level.WARNING, "database unreachable: {0}", e.getMessage());
      Response r =
          respond(uri, 503, "The studio's database cannot be reached. Try again in a moment.");
      return Response.fromResponse(r).header("Retry-After", "5").build();
    }
    if (e instanceof IOException && "Request too large".equals(e.getMessage())) {
      return respond(uri, 413, "The request is too large.");
    }
    LOG.log(System.Logger.Level.ERROR, "unexpected error on " + uri.getPath(), e);
    return respond(uri, 500, "Something went wrong on our side. It has been logged.");
  }

  private static Response respond(UriInfo uri, int status, String message) {
    return respond(uri, status, message, Map.of());
  }

  private static Response respond(
      UriInfo uri, int status, String message, Map<String, String> fields) {
    if (api(uri)) {
      return Problem.of(status, message, fields).toResponse();
    }
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(Templates.error(status, Problem.phrase(status), message).render())
        .build();
  }

  private static boolean api(UriInfo uri) {
    return uri.getPath().startsWith("/api/");
  }

  private static String messageFor(int status, WebApplicationException e) {
    return switch (status) {
      case 401 -> "Sign in first.";
      case 403 -> "You may not do that.";
      case 404 -> "There is nothing here. It may have been removed, or it is private.";
      case 405 -> "This address does not take that method.";
      case 413 -> "The request is too large.";
      case 415 -> "Send this request as application/json.";
      default -> e.getMessage() != null ? e.getMessage() : Problem.phrase(status);
    };
  }
}
