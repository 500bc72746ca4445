package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The registry of tracked tables in {@code lattice_tables} and {@code lattice_columns}. */
final class TrackedTables {
  private TrackedTables() {}

  /** {@code lattice_tables.tracked}: capture off (untracked by the application). */
  static final int UNTRACKED = 0;
  /** Capture on. */
  static final int TRACKED = 1;
  /**
   * Tracked, but the table is gone: dropped, or renamed away in the middle of a rebuild. Its metadata is kept, and
   * capture resumes if a table of that name appears again (see {@link SchemaEvolution}).
   */
  static final int MISSING = 2;

  /** A registered table: its id in metadata, its shape, and its {@code tracked} state. */
  record Registered(int id, TableShape shape, int state) {
    /** Capture is on and the table exists. */
    boolean tracked() {
      return state == TRACKED;
    }
  }

  /** Every table Lattice has registered, tracked or not, by id. */
  static Map<Integer, Registered> all(Connection c) throws SQLException {
    Map<Integer, Registered> tables = new LinkedHashMap<>();
    if (!LatticeSchema.exists(c)) {
      return tables;
    }
    Map<Integer, List<String>> keys = columns(c, "key", false);
    Map<Integer, List<String>> values = columns(c, "value", false);
    Map<Integer, List<String>> counters = columns(c, "value", true);
    try (PreparedStatement p = c.prepareStatement("SELECT id, name, tracked, numbered FROM lattice_tables ORDER BY id");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        int id = r.getInt(1);
        TableShape shape = new TableShape(r.getString(2), keys.getOrDefault(id, List.of()),
            values.getOrDefault(id, List.of()), Set.copyOf(counters.getOrDefault(id, List.of())), r.getInt(4) == 1);
        tables.put(id, new Registered(id, shape, r.getInt(3)));
      }
    }
    return tables;
  }

  static Registered byName(Connection c, String table) throws SQLException {
    for (Registered t : all(c).values()) {
      if (t.shape().name().equals(table)) {
        return t;
      }
    }
    return null;
  }

  /** Registers a table seen for the first time; returns its id. */
  static int register(Connection c, TableShape shape) throws SQLException {
    Sql.update(c, "INSERT INTO lattice_tables(name, tracked, numbered) VALUES (?, 1, ?)", shape.name(),
        shape.numbered() ? 1 : 0);
    int id = (int) Sql.oneLong(c, "SELECT id FROM lattice_tables WHERE name = ?", shape.name());
    insertColumns(c, id, "key", shape.pkColumns(), Set.of());
    insertColumns(c, id, "value", shape.columns(), shape.counters());
    return id;
  }

  static void setState(Connection c, int id, int state) throws SQLException {
    Sql.update(c, "UPDATE lattice_tables SET tracked = ? WHERE id = ?", state, id);
  }

  /** Replaces the value columns of table {@code id} with {@code shape}'s, in bit order. */
  static void setValueColumns(Connection c, int id, TableShape shape) throws SQLException {
    Sql.update(c, "DELETE FROM lattice_columns WHERE tbl = ? AND role = 'value'", id);
    insertColumns(c, id, "value", shape.columns(), shape.counters());
  }

  private static void insertColumns(Connection c, int id, String role, List<String> names, Set<String> counters)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO lattice_columns(tbl, role, position, name, counter) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < names.size(); i++) {
        p.setInt(1, id);
        p.setString(2, role);
        p.setInt(3, i);
        p.setString(4, names.get(i));
        p.setInt(5, counters.contains(names.get(i)) ? 1 : 0);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private static Map<Integer, List<String>> columns(Connection c, String role, boolean countersOnly)
      throws SQLException {
    Map<Integer, List<String>> byTable = new LinkedHashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT tbl, name FROM lattice_columns WHERE role = ?"
        + (countersOnly ? " AND counter = 1" : "") + " ORDER BY tbl, position")) {
      p.setString(1, role);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          byTable.computeIfAbsent(r.getInt(1), k -> new ArrayList<>()).add(r.getString(2));
        }
      }
    }
    return byTable;
  }
}
