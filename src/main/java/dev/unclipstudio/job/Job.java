package dev.unclipstudio.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A job as pages read it. Rows are created by {@link JobSubmission} and changed only by {@link
 * JobQueue}'s fenced statements, so this entity is never written through JPA.
 */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

  @Id public Long id;

  @Column(name = "owner_id")
  public long ownerId;

  @Enumerated(EnumType.STRING)
  public JobKind kind;

  @Enumerated(EnumType.STRING)
  public JobStatus status;

  @JdbcTypeCode(SqlTypes.JSON)
  public String params;

  public String prompt;

  @Column(name = "image_count")
  public int imageCount;

  public int priority;

  public int attempts;

  @Column(name = "max_attempts")
  public int maxAttempts;

  @Column(name = "lease_owner")
  public String leaseOwner;

  @Column(name = "cancel_requested")
  public boolean cancelRequested;

  public String stage;

  public Integer step;

  @Column(name = "stage_steps")
  public Integer stageSteps;

  public float progress;

  public String error;

  @Column(name = "pack_name")
  public String packName;

  @Column(name = "pack_version")
  public String packVersion;

  @Column(name = "created_at")
  public OffsetDateTime createdAt;

  @Column(name = "started_at")
  public OffsetDateTime startedAt;

  @Column(name = "finished_at")
  public OffsetDateTime finishedAt;

  /**
   * When a running job should end, by its worker's estimate (never moved later); null if unknown.
   */
  @Column(name = "eta_at")
  public OffsetDateTime etaAt;

  public static List<Job> recentOf(long ownerId, int limit) {
    return find("ownerId = ?1 order by id desc", ownerId).page(0, limit).list();
  }

  /** Jobs that would be claimed before this one: its place in the queue, counting from 1. */
  public long queuePosition() {
    if (status != JobStatus.QUEUED) {
      return 0;
    }
    return 1
        + count(
            "status = ?1 and (priority > ?2 or (priority = ?2 and createdAt < ?3))",
            JobStatus.QUEUED,
            priority,
            createdAt);
  }
}
