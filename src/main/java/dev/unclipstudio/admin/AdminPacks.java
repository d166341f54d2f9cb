package dev.unclipstudio.admin;

import dev.unclipstudio.job.PackEntry;
import dev.unclipstudio.job.StudioPacks;
import dev.unclipstudio.job.WorkerLiveness;
import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The studio's model packs as the console lists them: what each runs, and its state — its manifest
 * as this instance reads it, and on how many live workers (of every instance) it is open, with the
 * reasons of the workers that could not open it.
 */
@ApplicationScoped
public class AdminPacks {

  /**
   * @param state "UP on 2 workers", "DOWN: …", or a mix when some workers could not open it
   * @param down whether no live worker has it open
   */
  public record Row(
      String name,
      String version,
      String folder,
      boolean isDefault,
      String runs,
      String state,
      boolean down) {}

  /** One pack's state on the live workers that tried to open it. */
  private record OnWorkers(String pack, boolean up, String problem, long workers) {}

  private final StudioPacks packs;
  private final DataSource dataSource;
  private final WorkerLiveness liveness;

  AdminPacks(StudioPacks packs, DataSource dataSource, WorkerLiveness liveness) {
    this.packs = packs;
    this.dataSource = dataSource;
    this.liveness = liveness;
  }

  List<Row> list() {
    List<OnWorkers> onWorkers = onLiveWorkers();
    String defaultName = packs.defaultPack().map(ModelPack::name).orElse(null);
    List<Row> rows = new ArrayList<>();
    for (PackEntry entry : packs.entries()) {
      if (!entry.usable()) {
        rows.add(
            new Row(
                entry.label(),
                "",
                entry.dir().toString(),
                false,
                "",
                "DOWN: cannot be used: " + entry.problem(),
                true));
        continue;
      }
      ModelPack pack = entry.pack();
      List<OnWorkers> states =
          onWorkers.stream().filter(s -> s.pack().equals(pack.name())).toList();
      long up = states.stream().filter(OnWorkers::up).mapToLong(OnWorkers::workers).sum();
      rows.add(
          new Row(
              pack.name(),
              pack.version(),
              entry.dir().toString(),
              pack.name().equals(defaultName),
              runs(pack),
              state(up, states),
              up == 0));
    }
    return rows;
  }

  private static String state(long up, List<OnWorkers> states) {
    String down =
        states.stream()
            .filter(s -> !s.up())
            .map(s -> "DOWN on " + workers(s.workers()) + ": " + s.problem())
            .collect(Collectors.joining("; "));
    if (up == 0) {
      return down.isEmpty() ? "DOWN: open on no running worker" : down;
    }
    return "UP on " + workers(up) + (down.isEmpty() ? "" : "; " + down);
  }

  private static String workers(long n) {
    return n == 1 ? "1 worker" : n + " workers";
  }

  private static String runs(ModelPack pack) {
    List<String> kinds = new ArrayList<>();
    if (pack.hasUnclip()) {
      kinds.add("text to image, variations, interpolation");
    }
    if (pack.hasInpainting()) {
      kinds.add("inpainting");
    }
    return String.join(", ", kinds);
  }

  /** Pack states on workers that run or may run again (not stopped, not lost), per state. */
  private List<OnWorkers> onLiveWorkers() {
    String sql =
        """
        SELECT p.pack, p.up, coalesce(p.problem, ''), count(*)
        FROM worker_pack p JOIN (SELECT name, %s AS s FROM worker) w ON w.name = p.worker_name
        WHERE w.s NOT IN ('STOPPED', 'LOST')
        GROUP BY 1, 2, 3
        """
            .formatted(liveness.stateSql());
    List<OnWorkers> states = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        states.add(
            new OnWorkers(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getLong(4)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list the packs of the workers", e);
    }
    return states;
  }
}
