package dev.unclipstudio.account;

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
 * Unauthenticated page requests are sent to the sign-in page; API requests get a plain 401.
 */
@ApplicationScoped
public class SessionAuthenticationMechanism implements HttpAuthenticationMechanism {

  public static final String COOKIE = "studio_session";

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identities) {
    if (context.request().path().startsWith("/api/")) {
      String header = context.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Uni.createFrom().nullItem();
      }
      return identities.authenticate(new ApiTokenRequest(header.substring(7).strip()));
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
      return Uni.createFrom()
          .item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"unclip-studio\""));
    }
    String uri = context.request().uri();
    String location = "/login?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
    return Uni.createFrom().item(new ChallengeData(302, "Location", location));
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
