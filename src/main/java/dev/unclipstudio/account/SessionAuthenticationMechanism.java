package dev.unclipstudio.account;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Authenticates pages by the session cookie and the JSON API by bearer tokens, never the other way
 * round: the API ignores cookies, so a cross-site request cannot ride on a browser's session.
 * Unauthenticated page requests are sent to the sign-in page. An API request with a token that is
 * not valid goes on as anonymous, like one without a token, so that the API's 401 is answered where
 * its other errors are (as problem details, by web.ErrorResponses) rather than here.
 */
@ApplicationScoped
public class SessionAuthenticationMechanism implements HttpAuthenticationMechanism {

  public static final String COOKIE = "studio_session";

  /** The {@code WWW-Authenticate} value of the API's 401. */
  public static final String API_CHALLENGE = "Bearer realm=\"unclip-studio\"";

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    if (context.request().path().startsWith("/api/")) {
      String header = context.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Uni.createFrom().nullItem();
      }
      return identities
          .authenticate(new ApiTokenRequest(header.substring(7).strip()))
          .onFailure(AuthenticationFailedException.class)
          .recoverWithNull();
    }
    Cookie cookie = context.request().getCookie(COOKIE);
    if (cookie == null || cookie.getValue().isBlank()) {
      return Uni.createFrom().nullItem();
    }
    return identities.authenticate(new SessionTokenRequest(cookie.getValue()));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    String path = context.request().path();
    if (path.startsWith("/api/")) {
      return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", API_CHALLENGE));
    }
    return Uni.createFrom()
        .item(new ChallengeData(302, "Location", signInPage(context.request().uri())));
  }

  /** The sign-in page that comes back to {@code uri} (path and query) afterwards. */
  public static String signInPage(String uri) {
    return "/login?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(SessionTokenRequest.class, ApiTokenRequest.class);
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return Uni.createFrom()
        .item(new HttpCredentialTransport(HttpCredentialTransport.Type.COOKIE, COOKIE));
  }
}
