package dev.unclipstudio.account;

import java.security.Principal;

/** The signed-in user as the rest of the app sees it: the principal of every authenticated request. */
public record CurrentUser(long id, String username, Role role) implements Principal {

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
