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
 * Authenticates pages by the session cookie. Unauthenticated page requests are sent to the sign-in page;
 * API requests get a plain 401.
 */
@ApplicationScoped
public class SessionAuthenticationMechanism implements HttpAuthenticationMechanism {

  public static final String COOKIE = "studio_session";

  @Override
  public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
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
      return Uni.createFrom().item(new ChallengeData(401, null, null));
    }
    String uri = context.request().uri();
    String location = "/login?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
    return Uni.createFrom().item(new ChallengeData(302, "Location", location));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(SessionTokenRequest.class);
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.COOKIE, COOKIE));
  }
}
