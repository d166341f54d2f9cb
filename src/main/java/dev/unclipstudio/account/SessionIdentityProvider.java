package dev.unclipstudio.account;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Looks a session token up in the database on every request (a primary-key lookup), off the event
 * loop.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<SessionTokenRequest> {

  private final SessionStore sessions;

  SessionIdentityProvider(SessionStore sessions) {
    this.sessions = sessions;
  }

  @Override
  public Class<SessionTokenRequest> getRequestType() {
    return SessionTokenRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      SessionTokenRequest request, AuthenticationRequestContext context) {
    return context.runBlocking(
        () ->
            sessions
                .resolve(request.token())
                .<SecurityIdentity>map(CurrentUser::toIdentity)
                .orElse(null));
  }
}
