package dev.unclipstudio.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.multipart.FormValue;

/**
 * A page form refused by the CSRF check because its token no longer matches, typically a tab left
 * open past the token cookie's lifetime: instead of that check's bare 400, the same form again with
 * what was typed and a fresh token, and "submit again". Passwords are never written back into a
 * page (they are asked for again) and files cannot be, so those two are typed or chosen again.
 *
 * <p>Only for forms sent from this site (the browser's {@code Origin} names this host): a forged
 * cross-site form still gets the bare refusal, never a page that offers to send it.
 */
public class ExpiredForm {

  /**
   * quarkus-rest-csrf's request attributes: the token that {@code inject:csrf.token} writes into
   * the page, its bytes, and the flag asking its response filter (which runs after this one) to set
   * them as the new cookie.
   */
  private static final String TOKEN = "csrf_token";

  private static final String TOKEN_BYTES = "csrf_token_bytes";
  private static final String NEW_COOKIE = "true";
  private static final String VERIFIED = "csrf_token_verified";

  private static final SecureRandom RANDOM = new SecureRandom();

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance resend(
        String action, boolean multipart, List<Field> kept, List<Field> again);
  }

  /** A field of the refused form; {@code kind} is how it is asked for again. */
  public record Field(String name, String label, String value, String kind) {}

  private final int tokenSize;
  private final String tokenField;

  ExpiredForm(
      @ConfigProperty(name = "quarkus.rest-csrf.token-size", defaultValue = "16") int tokenSize,
      @ConfigProperty(name = "quarkus.rest-csrf.form-field-name", defaultValue = "csrf-token")
          String tokenField) {
    this.tokenSize = tokenSize;
    this.tokenField = tokenField;
  }

  @ServerResponseFilter(priority = Priorities.USER + 1)
  public void offerToSendAgain(
      ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
    if (!refusedByCsrfCheck(request, response, routing) || !fromThisSite(request)) {
      return;
    }
    FormData form = CurrentRequestManager.get().getFormData(); // read by the CSRF check
    List<Field> kept = new ArrayList<>();
    List<Field> again = new ArrayList<>();
    if (form != null) {
      for (String name : form) {
        if (name.equals(tokenField)) {
          continue;
        }
        for (FormValue value : form.get(name)) {
          if (value.isFileItem()) {
            again.add(new Field(name, label(name), "", "file"));
          } else if (name.toLowerCase(Locale.ROOT).contains("password")) {
            again.add(new Field(name, label(name), "", "password"));
          } else {
            kept.add(new Field(name, label(name), value.getValue(), "hidden"));
          }
        }
      }
    }
    byte[] token = new byte[tokenSize];
    RANDOM.nextBytes(token);
    routing.put(TOKEN_BYTES, token);
    routing.put(TOKEN, Base64.getUrlEncoder().withoutPadding().encodeToString(token));
    routing.put(NEW_COOKIE, true);
    URI uri = request.getUriInfo().getRequestUri();
    String action =
        uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    boolean multipart = request.getMediaType().isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE);
    response.setEntity(
        Templates.resend(action, multipart, kept, again).render(),
        null,
        MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
  }

  /** The CSRF filter aborts with an empty 400 and leaves its "verified" mark unset. */
  private static boolean refusedByCsrfCheck(
      ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
    return "POST".equals(request.getMethod())
        && response.getStatus() == 400
        && !response.hasEntity()
        && routing.get(VERIFIED) == null
        && request.getMediaType() != null
        && (request.getMediaType().isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
            || request.getMediaType().isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE))
        && !request.getUriInfo().getPath().startsWith("/api/");
  }

  /**
   * The browser names the page's origin on every form POST; ours is the address this request came
   * to (behind a proxy, the forwarded host when the studio is told to trust it).
   */
  private static boolean fromThisSite(ContainerRequestContext request) {
    String origin = request.getHeaderString("Origin");
    if (origin == null) {
      return false;
    }
    try {
      return request
          .getUriInfo()
          .getBaseUri()
          .getAuthority()
          .equalsIgnoreCase(URI.create(origin).getAuthority());
    } catch (IllegalArgumentException e) {
      return false; // "null" or garbage: not a page of ours
    }
  }

  /** {@code priorGuidanceScale} → "Prior guidance scale". */
  static String label(String name) {
    return TemplateExtensions.humanized(name.replaceAll("([a-z0-9])([A-Z])", "$1_$2"));
  }
}
