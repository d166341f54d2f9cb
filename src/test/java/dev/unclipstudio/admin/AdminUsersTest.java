package dev.unclipstudio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.account.Role;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AdminUsersTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject AdminUsers users;

  CurrentUser user;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("managed");
  }

  @Test
  void updateWritesEverySettingAndTheListShowsIt() {
    assertTrue(users.update(user.id(), new UserSettings(false, Role.ADMIN, 3, 0)));
    UserRow row = users.list().stream().filter(r -> r.id() == user.id()).findFirst().orElseThrow();
    assertEquals(new UserRow(user.id(), user.username(), false, Role.ADMIN, 3, 0), row);
  }

  @Test
  void emptyLimitsGoBackToTheDefaults() {
    users.update(user.id(), new UserSettings(true, Role.USER, 5, 50));
    users.update(user.id(), new UserSettings(true, Role.USER, null, null));
    assertEquals(
        "0",
        sql.string(
            "SELECT count(*) FROM app_user WHERE max_active_jobs IS NOT NULL"
                + " OR daily_image_quota IS NOT NULL"));
  }

  @Test
  void anUnknownUserIsReportedNotCreated() {
    long before = sql.count("app_user");
    assertFalse(users.update(user.id() + 1000, new UserSettings(true, Role.USER, null, null)));
    assertEquals(before, sql.count("app_user"));
  }

  @Test
  void invalidSettingsChangeNothing() {
    assertFalse(new UserSettings(true, null, null, null).valid());
    assertFalse(new UserSettings(true, Role.USER, -1, null).valid());
    assertFalse(new UserSettings(true, Role.USER, null, -1).valid());
    assertThrows(
        IllegalArgumentException.class,
        () -> users.update(user.id(), new UserSettings(false, Role.USER, -1, null)));
    assertEquals("t", sql.string("SELECT enabled FROM app_user WHERE id = " + user.id()));
  }
}
