package dev.unclipstudio.admin;

import dev.unclipstudio.account.AppUser;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/**
 * Every user for the console, and an admin's changes to one. Sessions re-read the user on every
 * request, so a change (disabled, a new role) takes effect on that user's next request.
 */
@ApplicationScoped
public class AdminUsers {

  @Transactional
  List<UserRow> list() {
    return AppUser.<AppUser>listAll(Sort.by("username")).stream().map(UserRow::of).toList();
  }

  @Transactional
  Optional<UserRow> find(long id) {
    return AppUser.<AppUser>findByIdOptional(id).map(UserRow::of);
  }

  /** Applies valid settings; false when there is no such user. */
  @Transactional
  boolean update(long id, UserSettings settings) {
    if (!settings.valid()) {
      throw new IllegalArgumentException(UserSettings.RULES);
    }
    AppUser user = AppUser.findById(id);
    if (user == null) {
      return false;
    }
    user.enabled = settings.enabled();
    user.role = settings.role();
    user.maxActiveJobs = settings.maxActiveJobs();
    user.dailyImageQuota = settings.dailyImageQuota();
    return true;
  }
}
