package dev.unclipstudio.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;

/** A person who signs in. Usernames are unique regardless of case. */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String username;

  @Column(name = "password_hash")
  public String passwordHash;

  @Enumerated(EnumType.STRING)
  public Role role;

  public boolean enabled;

  @Column(name = "max_active_jobs")
  public Integer maxActiveJobs;

  @Column(name = "daily_image_quota")
  public Integer dailyImageQuota;

  @Column(name = "created_at", insertable = false, updatable = false)
  public OffsetDateTime createdAt;

  public static Optional<AppUser> findByUsername(String username) {
    return find("lower(username) = lower(?1)", username).firstResultOptional();
  }

  public static boolean adminExists() {
    return count("role", Role.ADMIN) > 0;
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
