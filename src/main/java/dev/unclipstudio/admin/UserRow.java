package dev.unclipstudio.admin;

import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.Role;

/** A user as the console lists them; null limits mean "the studio default". */
public record UserRow(
    long id,
    String username,
    boolean enabled,
    Role role,
    Integer maxActiveJobs,
    Integer dailyImageQuota) {

  static UserRow of(AppUser user) {
    return new UserRow(
        user.id, user.username, user.enabled, user.role, user.maxActiveJobs, user.dailyImageQuota);
  }
}
