package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
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

/** A finished image's row; its PNG bytes live in {@code image_data} so that lists stay light. */
@Entity
@Table(name = "image")
public class Image extends PanacheEntityBase {

  @Id
  public Long id;

  @Column(name = "job_id")
  public long jobId;

  @Column(name = "owner_id")
  public long ownerId;

  @Column(name = "index_in_job")
  public int indexInJob;

  @Enumerated(EnumType.STRING)
  public Visibility visibility;

  public long seed;

  public int width;

  public int height;

  public String prompt;

  @JdbcTypeCode(SqlTypes.JSON)
  public String params;

  @Column(name = "source_image_id")
  public Long sourceImageId;

  @Column(name = "created_at")
  public OffsetDateTime createdAt;

  public static List<Image> ofJob(long jobId) {
    return list("jobId = ?1 order by indexInJob", jobId);
  }

  public boolean isShared() {
    return visibility == Visibility.SHARED;
  }

  /** Shared images are everyone's to see; private ones only their owner's and the admins'. */
  public boolean visibleTo(CurrentUser user) {
    return isShared() || user.mayAccess(ownerId);
  }
}
