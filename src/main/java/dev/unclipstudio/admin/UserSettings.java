package dev.unclipstudio.admin;

import dev.unclipstudio.account.Role;

/**
 * What an admin may change about a user, as the console's form sends it; null limits mean "the
 * studio default".
 */
public record UserSettings(
    boolean enabled, Role role, Integer maxActiveJobs, Integer dailyImageQuota) {

  /** Why {@link #valid()} can fail, for the 400 answer. */
  static final String RULES =
      "Role must be USER or ADMIN; limits must be 0 or more (empty: the default).";

  boolean valid() {
    return role != null
        && atLeastZeroOrDefault(maxActiveJobs)
        && atLeastZeroOrDefault(dailyImageQuota);
  }

  private static boolean atLeastZeroOrDefault(Integer limit) {
    return limit == null || limit >= 0;
  }
}
