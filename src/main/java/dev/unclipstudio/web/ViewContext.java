package dev.unclipstudio.web;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** What the base layout needs on every page ({@code {inject:view.user}}): who is signed in. */
@Named("view")
@RequestScoped
public class ViewContext {

  private final SecurityIdentity identity;

  ViewContext(SecurityIdentity identity) {
    this.identity = identity;
  }

  public CurrentUser user() {
    return identity.isAnonymous() ? null : CurrentUser.of(identity);
  }

  public boolean signedIn() {
    return !identity.isAnonymous();
  }

  public boolean admin() {
    return signedIn() && user().isAdmin();
  }
}
