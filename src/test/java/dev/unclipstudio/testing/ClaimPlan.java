package dev.unclipstudio.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * EXPLAIN ANALYZE of a real claim statement, run in a transaction that is rolled back: what the
 * queue's index tests read from the plan.
 */
public record ClaimPlan(JsonNode root, List<JsonNode> nodes) {

  /** Binds the parameters after the claim's worker name and lease token. */
  public interface MoreParameters {
    void bind(Connection c, PreparedStatement ps) throws SQLException;
  }

  public static ClaimPlan explain(
      DataSource dataSource, ObjectMapper json, String claimStatement, MoreParameters more)
      throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + claimStatement)) {
        ps.setString(1, "explain");
        ps.setObject(2, UUID.randomUUID());
        more.bind(c, ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          JsonNode root = json.readTree(rs.getString(1)).get(0).get("Plan");
          return new ClaimPlan(root, flatten(root));
        }
      } finally {
        c.rollback();
      }
    }
  }

  /**
   * The generic plan of a claim statement (no parameter values: what PostgreSQL may run once the
   * driver has prepared the statement on the server and the plan cache prefers it), not executed.
   * The statement's parameters are all written {@code ?::type}.
   */
  public static ClaimPlan generic(DataSource dataSource, ObjectMapper json, String claimStatement)
      throws Exception {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (String part : claimStatement.split("\\?::", -1)) {
      numbered.append(n == 0 ? "" : "$" + n + "::").append(part);
      n++;
    }
    String values =
        n == 4 ? "('explain', gen_random_uuid(), '{tiny}')" : "('explain', gen_random_uuid())";
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        s.execute("PREPARE generic_claim AS " + numbered);
        try (ResultSet rs =
            s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE generic_claim" + values)) {
          rs.next();
          JsonNode root = json.readTree(rs.getString(1)).get(0).get("Plan");
          return new ClaimPlan(root, flatten(root));
        }
      } finally {
        s.execute("DEALLOCATE generic_claim");
        c.rollback();
      }
    }
  }

  /**
   * Whether a Sort node gets rows of {@code table} without a Limit between them: it would read them
   * all to sort them. (A sort of the few rows a Limit passes on, as the batch's running total does,
   * is fine.)
   */
  public boolean sortsRowsOf(String table) {
    return nodes.stream()
        .filter(n -> "Sort".equals(n.path("Node Type").asText()))
        .anyMatch(sort -> readsUnlimited(sort, table));
  }

  private static boolean readsUnlimited(JsonNode node, String table) {
    for (JsonNode child : node.path("Plans")) {
      if (table.equals(child.path("Relation Name").asText())
          || !"Limit".equals(child.path("Node Type").asText()) && readsUnlimited(child, table)) {
        return true;
      }
    }
    return false;
  }

  /** A plan node and every node below it. */
  public static List<JsonNode> flatten(JsonNode node) {
    List<JsonNode> into = new ArrayList<>();
    collect(node, into);
    return into;
  }

  public boolean usesIndex(String name) {
    return nodes.stream().anyMatch(n -> name.equals(n.path("Index Name").asText()));
  }

  /** Rows of the job table the plan read (the final update's own node left out). */
  public long jobRowsRead() {
    return rowsRead("job");
  }

  /** Rows of {@code table} the plan read (an update's own node left out). */
  public long rowsRead(String table) {
    return nodes.stream()
        .filter(n -> table.equals(n.path("Relation Name").asText()))
        .filter(n -> !"ModifyTable".equals(n.path("Node Type").asText()))
        .mapToLong(n -> n.path("Actual Rows").asLong() * n.path("Actual Loops").asLong())
        .sum();
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    into.add(node);
    for (JsonNode child : node.path("Plans")) {
      collect(child, into);
    }
  }
}
