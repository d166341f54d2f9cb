package dev.unclipstudio.account;

import dev.unclipstudio.config.StudioConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** Creating accounts, checking passwords, and the first administrator. */
@ApplicationScoped
public class AccountService {

  private static final Logger LOG = Logger.getLogger(AccountService.class);
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,40}");

  /** The advisory lock key that serialises creating the first administrator across instances. */
  private static final long FIRST_ADMIN_LOCK = 0x5374_7564_696f_4164L; // "StudioAd"

  /**
   * A hash to compare against when the user does not exist, so both paths take one bcrypt's time.
   */
  private static final String DUMMY_HASH = BcryptUtil.bcryptHash("not a password");

  private final StudioConfig config;

  AccountService(StudioConfig config) {
    this.config = config;
  }

  void createFirstAdmin(@Observes StartupEvent event) {
    createFirstAdminIfNone();
  }

  @Transactional
  void createFirstAdminIfNone() {
    // Instances started together on a new database: one creates the administrator, the others wait
    // for its commit here and find it (without this, the second one's insert failed its start).
    AppUser.getEntityManager()
        .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) locked")
        .setParameter(1, FIRST_ADMIN_LOCK)
        .getSingleResult();
    if (AppUser.adminExists()) {
      return;
    }
    String name = config.accounts().adminUsername();
    Optional<String> configured = config.accounts().adminPassword().filter(p -> !p.isBlank());
    String password = configured.orElseGet(AccountService::randomPassword);
    AppUser admin = AppUser.findByUsername(name).orElseGet(AppUser::new);
    admin.username = name;
    admin.passwordHash = BcryptUtil.bcryptHash(password);
    admin.role = Role.ADMIN;
    admin.enabled = true;
    admin.persist();
    if (configured.isEmpty()) {
      LOG.warnf(
          "Created the administrator '%s' with the one-time password: %s  (change it by setting"
              + " studio.accounts.admin-password; it is not shown again)",
          name, password);
    } else {
      LOG.infof("Created the administrator '%s' from configuration", name);
    }
  }

  /** Field name → message for every problem with a sign-up; empty when it is fine. */
  public Map<String, String> validateSignUp(String username, String password) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (username == null || !USERNAME.matcher(username).matches()) {
      errors.put("username", "Use 3 to 40 letters, digits, dots, dashes or underscores.");
    } else if (AppUser.findByUsername(username).isPresent()) {
      errors.put("username", "That name is taken.");
    }
    PasswordPolicy.problem(password, username).ifPresent(p -> errors.put("password", p));
    return errors;
  }

  @Transactional
  public AppUser signUp(String username, String password, Role role) {
    AppUser user = new AppUser();
    user.username = username;
    user.passwordHash = BcryptUtil.bcryptHash(password);
    user.role = role;
    user.enabled = true;
    user.persist();
    return user;
  }

  /**
   * Field name → message for every problem with a change of password; empty when the password was
   * changed. The new one passes the sign-up rules ({@link PasswordPolicy}).
   */
  @Transactional
  public Map<String, String> changePassword(
      long userId, String current, String proposed, String repeated) {
    AppUser user = AppUser.findById(userId);
    Map<String, String> errors = new LinkedHashMap<>();
    if (current == null || !BcryptUtil.matches(current, user.passwordHash)) {
      errors.put("currentPassword", "That is not your current password.");
    }
    PasswordPolicy.problem(proposed, user.username).ifPresent(p -> errors.put("newPassword", p));
    if (!errors.containsKey("newPassword") && !proposed.equals(repeated)) {
      errors.put("repeatPassword", "The two new passwords differ; type the same one twice.");
    }
    if (errors.isEmpty()) {
      user.passwordHash = BcryptUtil.bcryptHash(proposed);
    }
    return errors;
  }

  /** The enabled user with these credentials, if any. */
  @Transactional
  public Optional<CurrentUser> authenticate(String username, String password) {
    Optional<AppUser> user = username == null ? Optional.empty() : AppUser.findByUsername(username);
    String hash = user.map(u -> u.passwordHash).orElse(DUMMY_HASH);
    boolean matches = password != null && BcryptUtil.matches(password, hash);
    return user.filter(u -> matches && u.enabled)
        .map(u -> new CurrentUser(u.id, u.username, u.role));
  }

  private static String randomPassword() {
    byte[] raw = new byte[15];
    new SecureRandom().nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
