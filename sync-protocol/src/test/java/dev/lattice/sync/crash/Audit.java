package dev.lattice.sync.crash;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Replica;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What must hold of any replica file after a crash, whatever was running: SQLite's own integrity check passes, and
 * Lattice's metadata agrees with the application's tables, cell for cell.
 */
final class Audit {
  private Audit() {}

  /** A value as text that keeps SQLite's types apart, for comparing a table's value with a change's. */
  static String render(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof byte[] bytes) {
      return "x'" + HexFormat.of().formatHex(bytes) + "'";
    }
    if (value instanceof Double d) {
      return "r" + d;
    }
    if (value instanceof Number n) {
      return "i" + n.longValue();
    }
    return "'" + value + "'";
  }

  static List<String> columns(Connection c, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (r.next()) {
        columns.add(r.getString("name"));
      }
    }
    return columns;
  }

  /** Fails unless {@code PRAGMA integrity_check} answers ok. */
  static void integrity(Connection c, String what) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      while (r.next()) {
        problems.add(r.getString(1));
      }
    }
    if (!problems.equals(List.of("ok"))) {
      throw new AssertionError(what + ": integrity_check: " + problems);
    }
  }

  /** Every current cell version of the replica, by cell ({@code table/pk/column}). */
  static TreeMap<String, Change> cells(Connection c) throws SQLException {
    TreeMap<String, Change> cells = new TreeMap<>();
    try (ChangeStream s = Replica.of(c).changesSince(VersionVector.empty())) {
      for (Change change; (change = s.next()) != null; ) {
        Change before = cells.put(cellKey(change), change);
        if (before != null) {
          throw new AssertionError("two current versions of one cell: " + before + " and " + change);
        }
      }
    }
    return cells;
  }

  static String cellKey(Change c) {
    return c.table() + "/" + render(c.pk()) + "/" + c.column();
  }

  /**
   * Checks that the cells the replica reports match its tables exactly: a live row cell and one cell per column,
   * holding the table's value, for every row; a dead row cell and no column cells for every key not in the table; no
   * (site, seq) shared by two rows; no version above the version vector. Returns the cells.
   */
  static TreeMap<String, Change> metadataMatchesTables(Connection c, String what) throws SQLException {
    TreeMap<String, Change> cells = cells(c);
    VersionVector vector = Replica.of(c).versionVector();
    SiteId self = Replica.of(c).siteId();
    Map<String, String> dotOwner = new HashMap<>();
    Map<String, Change> rowCells = new TreeMap<>();
    Map<String, Map<String, Change>> columnCells = new TreeMap<>();
    for (Change change : cells.values()) {
      String row = change.table() + "/" + render(change.pk());
      String previous = dotOwner.putIfAbsent(change.site() + ":" + change.seq(), row);
      if (previous != null && !previous.equals(row)) {
        throw new AssertionError(what + ": version " + change.site() + ":" + change.seq() + " held by two rows, "
            + previous + " and " + row);
      }
      // A peer's row travels whole, so its column versions may lie above the vector; this site's may not.
      if (change.site().equals(self) && change.seq() > vector.get(self)) {
        throw new AssertionError(what + ": " + change + " is above this replica's own entry in " + vector);
      }
      if (change.isRowCell()) {
        rowCells.put(row, change);
      } else {
        columnCells.computeIfAbsent(row, k -> new TreeMap<>()).put(change.column(), change);
      }
    }
    Map<String, Map<String, String>> tables = new TreeMap<>();
    for (String table : Replica.of(c).trackedTables()) {
      List<String> columns = columns(c, table);
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
        while (r.next()) {
          Map<String, String> values = new TreeMap<>();
          for (int i = 2; i <= columns.size(); i++) {
            values.put(columns.get(i - 1), render(r.getObject(i)));
          }
          tables.put(table + "/" + render(r.getObject(1)), values);
        }
      }
    }
    for (Map.Entry<String, Map<String, String>> row : tables.entrySet()) {
      Change rowCell = rowCells.get(row.getKey());
      if (rowCell == null || !rowCell.rowAlive()) {
        throw new AssertionError(what + ": row " + row.getKey() + " is in its table but its row cell is " + rowCell);
      }
      Map<String, String> reported = new TreeMap<>();
      columnCells.getOrDefault(row.getKey(), Map.of()).forEach((col, ch) -> reported.put(col, render(ch.value())));
      if (!reported.equals(row.getValue())) {
        throw new AssertionError(what + ": row " + row.getKey() + " holds " + row.getValue() + " but its cells say "
            + reported);
      }
    }
    for (Map.Entry<String, Change> rowCell : rowCells.entrySet()) {
      if (!tables.containsKey(rowCell.getKey())) {
        if (rowCell.getValue().rowAlive()) {
          throw new AssertionError(what + ": " + rowCell.getValue() + " says alive but the row is not in its table");
        }
        if (columnCells.containsKey(rowCell.getKey())) {
          throw new AssertionError(what + ": dead row " + rowCell.getKey() + " still has column cells "
              + columnCells.get(rowCell.getKey()));
        }
      }
    }
    for (String row : columnCells.keySet()) {
      if (!rowCells.containsKey(row)) {
        throw new AssertionError(what + ": column cells without a row cell: " + columnCells.get(row));
      }
    }
    return cells;
  }

  /** The highest sequence number among {@code site}'s current cells, 0 if none. */
  /** Dead rows whose version is at or below the stable point: none once a compaction committed. */
  static long tombstonesAtOrBelowTheStablePoint(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'lattice_stable'")) {
      if (r.next() && r.getLong(1) == 0) {
        return 0;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM lattice_rows w JOIN lattice_sites t ON t.ord = w.site"
            + " JOIN lattice_stable p ON p.site_id = t.site_id WHERE w.cl % 2 = 0 AND w.seq <= p.seq")) {
      r.next();
      return r.getLong(1);
    }
  }

  static long highestSeq(Map<String, Change> cells, SiteId site) {
    return cells.values().stream().filter(ch -> ch.site().equals(site)).mapToLong(Change::seq).max().orElse(0);
  }
}
