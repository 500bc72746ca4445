package dev.lattice.sync.store;

import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackOptions;
import dev.lattice.driver.TrackedSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tracked tables' definitions as SQLite keeps them, and a space's tables made on a device that tracks none yet:
 * what lets a second device join with an empty (or missing) database and sync at once.
 */
final class SpaceTables {
  private SpaceTables() {}

  /** Per table of {@code schema}: the SQL that made it, then its indexes' (SQLite's automatic ones have none). */
  static Map<String, List<String>> definitions(Connection c, TrackedSchema schema) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT tbl_name, sql FROM sqlite_schema WHERE type IN ('table',"
        + " 'index') AND sql IS NOT NULL ORDER BY type = 'index', rowid");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        if (schema.tables().containsKey(r.getString(1))) {
          out.computeIfAbsent(r.getString(1), t -> new ArrayList<>()).add(r.getString(2));
        }
      }
    }
    return out;
  }

  /**
   * Makes the space's tables that {@code c}'s database lacks, from their definitions, and tracks every table of the
   * space (one the application made already under the same name is tracked as it is: the next hello compares them).
   * Returns false, changing nothing, when the replica tracks a table already: it has a schema of its own, which only a
   * migration changes.
   */
  static boolean adopt(Connection c, Replica replica, SchemaDescription space) throws SQLException {
    if (space.schema().tables().isEmpty() || !replica.trackedTables().isEmpty()) {
      return false;
    }
    try (Statement s = c.createStatement()) {
      for (String table : space.schema().tables().keySet()) {
        List<String> definition = space.definitions().getOrDefault(table, List.of());
        if (!definition.isEmpty() && !exists(c, table)) {
          for (String sql : definition) {
            s.execute(sql);
          }
        }
      }
    }
    for (var table : space.schema().tables().entrySet()) {
      replica.track(table.getKey(), new TrackOptions(Set.copyOf(table.getValue().counters()),
          table.getValue().numbered()));
    }
    return true;
  }

  /** Whether the database has a table named {@code table}. */
  static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}
