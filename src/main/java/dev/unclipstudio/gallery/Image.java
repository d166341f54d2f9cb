package dev.unclipstudio.gallery;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.ws.rs.NotFoundException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A finished image's row; its PNG bytes live in {@code image_data} so that lists stay light. */
@Entity
@Table(name = "image")
public class Image extends PanacheEntityBase {

  @Id public Long id;

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

  /** The image ids of each job, in order within a job: one query for a whole page of jobs. */
  public static Map<Long, List<Long>> idsByJob(Collection<Long> jobIds) {
    if (jobIds.isEmpty()) {
      return Map.of();
    }
    Map<Long, List<Long>> ids = new HashMap<>();
    getEntityManager()
        .createQuery(
            "select i.jobId, i.id from Image i where i.jobId in :jobs order by i.jobId, i.indexInJob",
            Object[].class)
        .setParameter("jobs", jobIds)
        .getResultList()
        .forEach(
            row -> ids.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Long) row[1]));
    return ids;
  }

  public boolean isShared() {
    return visibility == Visibility.SHARED;
  }

  /** Shared images are everyone's to see; private ones only their owner's and the admins'. */
  public boolean visibleTo(CurrentUser user) {
    return isShared() || user.mayAccess(ownerId);
  }

  /**
   * The image, if the user may see it; private images of others are "not found", never "forbidden".
   */
  public static Image findVisible(long id, CurrentUser user) {
    Image image = findById(id);
    if (image == null || !image.visibleTo(user)) {
      throw new NotFoundException();
    }
    return image;
  }
}
