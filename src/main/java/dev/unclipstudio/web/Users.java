package dev.unclipstudio.web;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The signed-in user of a request, for resources behind {@code @Authenticated}.
 *
 * @deprecated use {@link CurrentUser#of}; this stays only until the job resources call that instead.
 */
@Deprecated(forRemoval = true)
public final class Users {

  private Users() {}

  public static CurrentUser current(SecurityIdentity identity) {
    return CurrentUser.of(identity);
  }
}
