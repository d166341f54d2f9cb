package dev.unclipstudio.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Words or phrases an admin does not want in prompts: a prompt containing one (any case) is
 * refused.
 */
@ApplicationScoped
public class PromptBlocklist {

  public record Entry(long id, String pattern) {}

  private final DataSource dataSource;

  PromptBlocklist(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The first blocked phrase the prompt contains, if any. */
  public Optional<String> match(String prompt) {
    if (prompt == null || prompt.isEmpty()) {
      return Optional.empty();
    }
    String lower = prompt.toLowerCase(Locale.ROOT);
    return entries().stream()
        .map(Entry::pattern)
        .filter(p -> lower.contains(p.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT id, pattern FROM prompt_block ORDER BY pattern");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        entries.add(new Entry(rs.getLong(1), rs.getString(2)));
      }
    } catch (SQLException e) {
      throw new QueueException("Could not read the prompt blocklist", e);
    }
    return entries;
  }

  public void add(String pattern) {
    execute(
        "INSERT INTO prompt_block (pattern) VALUES (?) ON CONFLICT (pattern) DO NOTHING",
        pattern.strip());
  }

  public void remove(long id) {
    execute("DELETE FROM prompt_block WHERE id = ?", id);
  }

  private void execute(String sql, Object arg) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, arg);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new QueueException("Could not change the prompt blocklist", e);
    }
  }
}
