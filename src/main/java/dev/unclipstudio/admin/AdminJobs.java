package dev.unclipstudio.admin;

import dev.unclipstudio.job.JobDetails;
import dev.unclipstudio.job.JobKind;
import dev.unclipstudio.job.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import javax.sql.DataSource;

/** Every user's jobs for the console, with filters; priority changes and purging. */
@ApplicationScoped
public class AdminJobs {

  /** The console's filters; null means "any". Dates are UTC days, inclusive. */
  public record Filter(JobStatus status, String user, JobKind kind, LocalDate from, LocalDate to) {

    /** The filter of a job list's address ({@code ?status=…&user=…&kind=…&from=…&to=…}). */
    static Filter of(MultivaluedMap<String, String> query) {
      return new Filter(
          parseEnum(JobStatus.class, query.getFirst("status")),
          query.getFirst("user") == null || query.getFirst("user").isBlank()
              ? null
              : query.getFirst("user").strip(),
          parseEnum(JobKind.class, query.getFirst("kind")),
          parseDate(query.getFirst("from")),
          parseDate(query.getFirst("to")));
    }

    /**
     * This filter as the query of an address, "" when it filters nothing: the job list's actions
     * post to their address plus this and come back to the same list.
     */
    public String query() {
      StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
      add(query, "status", status);
      add(query, "user", user);
      add(query, "kind", kind);
      add(query, "from", from);
      add(query, "to", to);
      return query.toString();
    }

    private static void add(StringJoiner query, String name, Object value) {
      if (value != null) {
        query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    }

    public List<JobStatus> statuses() {
      return List.of(JobStatus.values());
    }

    public List<JobKind> kinds() {
      return List.of(JobKind.values());
    }
  }

  public record Row(
      long id,
      String owner,
      JobKind kind,
      JobStatus status,
      String prompt,
      int priority,
      int attempts,
      String worker,
      int percent,
      OffsetDateTime createdAt,
      Long runSeconds,
      String error) {
    public boolean active() {
      return !status.isFinal();
    }

    /** How long it ran ("42 s"), "so far" while it runs; "" before it starts. */
    public String duration() {
      if (runSeconds == null) {
        return "";
      }
      return JobDetails.spoken(runSeconds) + (active() ? " so far" : "");
    }
  }

  /**
   * A job row. Its run time is counted on the database's clock, which set the times it is measured
   * from; none for a queued job (one back in the queue keeps the start of its lost attempt).
   */
  private static final String SELECT =
      """
      SELECT j.id, u.username, j.kind, j.status, j.prompt, j.priority, j.attempts, j.lease_owner, j.progress,
             j.created_at,
             CASE WHEN j.status <> 'QUEUED'
                  THEN floor(extract(epoch FROM coalesce(j.finished_at, now()) - j.started_at)) END,
             j.error
      FROM job j JOIN app_user u ON u.id = j.owner_id
      """;

  /** The jobs a purge deletes; one parameter, the age in days. */
  private static final String PURGEABLE =
      """
      j.finished_at < now() - make_interval(days => ?)
        AND (j.status IN ('FAILED', 'CANCELLED')
             OR (j.status = 'SUCCEEDED' AND NOT EXISTS (SELECT 1 FROM image i WHERE i.job_id = j.id)))
      """;

  private final DataSource dataSource;

  AdminJobs(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<Row> find(Filter f, int limit) {
    String sql =
        SELECT
            + """
        WHERE (?::text IS NULL OR j.status = ?)                              -- 1, 2: status
          AND (?::text IS NULL OR lower(u.username) = lower(?))             -- 3, 4: user
          AND (?::text IS NULL OR j.kind = ?)                               -- 5, 6: kind
          AND (?::timestamptz IS NULL OR j.created_at >= ?)                 -- 7, 8: from (start of day, UTC)
          AND (?::timestamptz IS NULL OR j.created_at < ?)                  -- 9, 10: to (end of day, UTC)
        ORDER BY j.id DESC LIMIT ?                                          -- 11: limit
        """;
    List<Row> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      String status = f.status() == null ? null : f.status().name();
      String kind = f.kind() == null ? null : f.kind().name();
      OffsetDateTime from =
          f.from() == null ? null : f.from().atStartOfDay().atOffset(ZoneOffset.UTC);
      OffsetDateTime to =
          f.to() == null ? null : f.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
      ps.setString(1, status);
      ps.setString(2, status);
      ps.setString(3, f.user());
      ps.setString(4, f.user());
      ps.setString(5, kind);
      ps.setString(6, kind);
      ps.setObject(7, from);
      ps.setObject(8, from);
      ps.setObject(9, to);
      ps.setObject(10, to);
      ps.setInt(11, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list jobs", e);
    }
    return rows;
  }

  /** One job of anyone's, as the list shows it. */
  Optional<Row> find(long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SELECT + "WHERE j.id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read job " + id, e);
    }
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getLong(1),
        rs.getString(2),
        JobKind.valueOf(rs.getString(3)),
        JobStatus.valueOf(rs.getString(4)),
        rs.getString(5),
        rs.getInt(6),
        rs.getInt(7),
        rs.getString(8),
        Math.round(rs.getFloat(9) * 100),
        rs.getObject(10, OffsetDateTime.class),
        rs.getObject(11) == null ? null : rs.getLong(11),
        rs.getString(12));
  }

  void setPriority(long id, int priority) {
    update("UPDATE job SET priority = ?, updated_at = now() WHERE id = ?", priority, id);
  }

  /**
   * Deletes failed and cancelled jobs older than the given age, and succeeded jobs whose images are
   * all gone. Images are their owners' work, so a purge of the queue never deletes one.
   */
  int purgeFinishedOlderThan(int days) {
    return update("DELETE FROM job j WHERE " + PURGEABLE, days);
  }

  /** How many jobs {@link #purgeFinishedOlderThan} would delete now: the console asks first. */
  long countPurgeable(int days) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM job j WHERE " + PURGEABLE)) {
      ps.setInt(1, days);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not count jobs", e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not update jobs", e);
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static LocalDate parseDate(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
