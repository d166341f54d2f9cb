package dev.unclipstudio.web;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** What the base layout needs on every page ({@code {inject:view.user}}): who is signed in. */
@Named("view")
@RequestScoped
public class ViewContext {

  private final SecurityIdentity identity;
  private final StudioConfig config;

  ViewContext(SecurityIdentity identity, StudioConfig config) {
    this.identity = identity;
    this.config = config;
  }

  /** The most images one job may ask for: number inputs use it as their max. */
  public int maxImagesPerJob() {
    return config.queue().maxImagesPerJob();
  }

  /** The longest prompt the server takes: prompt boxes use it as their maxlength and counter. */
  public int maxPromptLength() {
    return config.queue().maxPromptLength();
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
