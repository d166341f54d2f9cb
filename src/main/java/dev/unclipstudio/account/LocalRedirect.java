package dev.unclipstudio.account;

import java.net.URI;

/**
 * Where to send a user after signing in: only ever somewhere on this site, so the login is no open
 * redirect.
 */
final class LocalRedirect {

  private LocalRedirect() {}

  /**
   * The target from a form or query if it is local ("/x", but not "//evil" or "https://evil"), else
   * the fallback.
   */
  static URI to(String target, String fallback) {
    if (target == null
        || !target.startsWith("/")
        || target.startsWith("//")
        || target.contains("\\")) {
      return URI.create(fallback);
    }
    try {
      URI uri = URI.create(target);
      return uri.getScheme() == null && uri.getHost() == null ? uri : URI.create(fallback);
    } catch (IllegalArgumentException e) {
      return URI.create(fallback);
    }
  }
}
