package dev.unclipstudio.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * An API error as RFC 9457 problem details ({@code application/problem+json}): {@code title} is the
 * status's standard phrase, {@code detail} what went wrong for a person, {@code fields} a message
 * per request field at fault. {@code error} repeats {@code detail} for clients written before the
 * studio answered with problem details.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String error,
    Map<String, String> fields) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String detail, Map<String, String> fields) {
    return new Problem(
        "about:blank", phrase(status), status, detail, detail, fields == null ? Map.of() : fields);
  }

  public Response toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(this).build();
  }

  static String phrase(int status) {
    Response.Status known = Response.Status.fromStatusCode(status);
    return known != null ? known.getReasonPhrase() : "Error " + status;
  }
}
