package dev.unclipstudio.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a user stands against the queue's limits: their active jobs of their cap, their images
 * today of their daily quota, and the studio's queued jobs of its maximum. One reading and one rule
 * for both uses: {@link JobSubmission} refuses by {@link #refusal}, the create and account pages
 * show the same figures, so a page can never promise room the submission then refuses.
 *
 * @param activeJobs the user's queued plus running jobs
 * @param activeCap the most they may have (their own cap, else the studio's)
 * @param imagesToday images of their jobs requested since midnight UTC, cancelled jobs not counted
 * @param dailyQuota the most images they may request per UTC day (their own, else the studio's)
 * @param queued queued jobs of every user
 * @param maxQueued the most queued jobs the studio takes
 */
public record QueueUsage(
    long activeJobs, int activeCap, long imagesToday, int dailyQuota, long queued, int maxQueued) {

  /**
   * Reads the user's usage. With {@code lock} the user's row stays locked until the transaction
   * ends, so two submissions at once cannot both slip under a limit. {@code retriedJobId} (0 for
   * none) is left out of today's images: a retried job is counted once, with its own images.
   */
  static QueueUsage read(
      Connection c, long userId, long retriedJobId, QueueSettings.Limits limits, boolean lock)
      throws SQLException {
    String sql =
        """
        SELECT coalesce(u.max_active_jobs, ?),                                         -- 1: default active cap
               coalesce(u.daily_image_quota, ?),                                       -- 2: default daily quota
               (SELECT count(*) FROM job WHERE owner_id = u.id AND status IN ('QUEUED', 'RUNNING')),
               (SELECT coalesce(sum(image_count), 0) FROM job
                 WHERE owner_id = u.id AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                   AND status <> 'CANCELLED' AND id <> ?),                             -- 3: the retried job
               (SELECT count(*) FROM job WHERE status = 'QUEUED')
        FROM app_user u WHERE u.id = ?                                                 -- 4: the user
        """
            + (lock ? "FOR UPDATE OF u" : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limits.maxActivePerUser());
      ps.setInt(2, limits.dailyImageQuota());
      ps.setLong(3, retriedJobId);
      ps.setLong(4, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("No user " + userId);
        }
        return new QueueUsage(
            rs.getLong(3),
            rs.getInt(1),
            rs.getLong(4),
            rs.getInt(2),
            rs.getLong(5),
            limits.maxQueued());
      }
    }
  }

  /** Why a job of {@code images} more images cannot be queued now, if it cannot. */
  public Optional<String> refusal(int images) {
    if (activeJobs >= activeCap) {
      return Optional.of(
          "You already have %d jobs queued or running, the most allowed. Wait for one to finish or cancel one."
              .formatted(activeCap));
    }
    if (imagesToday + images > dailyQuota) {
      return Optional.of(
          "This would exceed your daily quota of %d images (%d used today)."
              .formatted(dailyQuota, imagesToday));
    }
    if (queued >= maxQueued) {
      return Optional.of("The studio's queue is full. Please try again in a few minutes.");
    }
    return Optional.empty();
  }

  /** "3 of 500 images used today": what the create and account pages say. */
  public String imagesLine() {
    return "%d of %d images used today".formatted(imagesToday, dailyQuota);
  }

  /** "1 of 10 jobs queued or running". */
  public String activeLine() {
    return "%d of %d jobs queued or running".formatted(activeJobs, activeCap);
  }

  /**
   * Why not even a one-image job can be queued now, or null: the pages say so before anyone tries.
   */
  public String refusalNow() {
    return refusal(1).orElse(null);
  }
}
