package dev.unclipstudio.account;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.security.Principal;

/**
 * The signed-in user as the rest of the app sees it: the principal of every authenticated request.
 */
public record CurrentUser(long id, String username, Role role) implements Principal {

  /**
   * The signed-in user of a request behind {@code @Authenticated}. Lives here because this
   * package's identity providers are what put a {@code CurrentUser} into every identity.
   */
  public static CurrentUser of(SecurityIdentity identity) {
    return (CurrentUser) identity.getPrincipal();
  }

  /** The identity of a request this user is signed in to, by session or by API token alike. */
  SecurityIdentity toIdentity() {
    return QuarkusSecurityIdentity.builder().setPrincipal(this).addRole(role.name()).build();
  }

  @Override
  public String getName() {
    return username;
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** Owners and admins may see and act on a user's private things. */
  public boolean mayAccess(long ownerId) {
    return id == ownerId || isAdmin();
  }
}
