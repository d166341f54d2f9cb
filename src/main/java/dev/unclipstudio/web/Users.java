package dev.unclipstudio.web;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.identity.SecurityIdentity;

/** The signed-in user of a request, for resources behind {@code @Authenticated}. */
public final class Users {

  private Users() {}

  public static CurrentUser current(SecurityIdentity identity) {
    return (CurrentUser) identity.getPrincipal();
  }
}
