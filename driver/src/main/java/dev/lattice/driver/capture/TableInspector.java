package dev.lattice.driver.capture;

import dev.lattice.driver.TrackOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a table's definition and decides whether Lattice can track it safely.
 *
 * <p>Refused (an error naming the table and the fix): views, virtual and internal tables, tables without a primary
 * key, primary-key columns that accept NULL, more value columns than a column mask holds. Accepted with a warning:
 * keys SQLite assigns itself (they collide when two devices insert concurrently), extra UNIQUE constraints (a
 * concurrent insert on another device can violate them at merge time, and {@code INSERT OR REPLACE} deletes the
 * conflicting row without firing a trigger), and REAL columns in a composite key (encoded with 15 digits).
 */
final class TableInspector {
  private TableInspector() {}

  /** The outcome of inspecting one table: its shape and the risks found. */
  record Inspection(TableShape shape, List<String> warnings) {}

  static Inspection inspect(Connection c, String table, TrackOptions options) throws SQLException {
    String type = tableType(c, table);
    if (type == null) {
      throw new UntrackableTableException(table, "there is no table of that name in the main database",
          "check the spelling; table names are matched exactly");
    }
    if (table.toLowerCase(Locale.ROOT).startsWith("sqlite_") || table.toLowerCase(Locale.ROOT).startsWith("lattice_")) {
      throw new UntrackableTableException(table, "it is an internal table of SQLite or Lattice",
          "track only your application's tables");
    }
    if (!type.equals("table")) {
      throw new UntrackableTableException(table, "it is a " + type + ", not an ordinary table",
          "track the tables the " + type + " reads from instead");
    }
    boolean withoutRowid = Sql.oneLong(c, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", table)
        == 1;
    String createSql = String.valueOf(Sql.one(c, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
        table));

    Map<Integer, String> pkByPosition = new TreeMap<>();
    List<String> columns = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> nullableKeys = new ArrayList<>();
    List<String> realKeys = new ArrayList<>();
    String integerKeyType = null;
    Map<String, String> keyTypes = new HashMap<>(); // key column -> its declared type, upper case
    try (PreparedStatement p = c.prepareStatement(
        "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid")) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String name = r.getString(1);
          String declared = r.getString(2) == null ? "" : r.getString(2).toUpperCase(Locale.ROOT);
          boolean notNull = r.getInt(3) == 1;
          int pk = r.getInt(4);
          int hidden = r.getInt(5);
          if (pk > 0) {
            if (hidden != 0) {
              throw new UntrackableTableException(table, "its primary-key column " + name + " is generated",
                  "make the key an ordinary column");
            }
            pkByPosition.put(pk, name);
            if (!notNull && !withoutRowid && !declared.equals("INTEGER")) {
              nullableKeys.add(name);
            }
            if (declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB")) {
              realKeys.add(name);
            }
            integerKeyType = declared;
            keyTypes.put(name, declared);
          } else if (hidden == 0) {
            columns.add(name); // generated columns (hidden 2 and 3) are derived, not versioned
          }
        }
      }
    }
    if (pkByPosition.isEmpty()) {
      throw new UntrackableTableException(table, "it has no PRIMARY KEY, and the hidden rowid is not a durable identity"
          + " (VACUUM may renumber it)", "rebuild the table with a PRIMARY KEY column, for example"
          + " id TEXT PRIMARY KEY NOT NULL holding a UUID");
    }
    if (!nullableKeys.isEmpty()) {
      throw new UntrackableTableException(table, "its primary-key column(s) " + String.join(", ", nullableKeys)
          + " accept NULL (SQLite allows NULL keys in rowid tables unless declared NOT NULL)",
          "rebuild the table declaring the key column(s) NOT NULL");
    }
    if (columns.size() > TableShape.MAX_COLUMNS) {
      throw new UntrackableTableException(table, "it has " + columns.size() + " non-key columns; Lattice versions at"
          + " most " + TableShape.MAX_COLUMNS, "split the table");
    }
    List<String> pkColumns = new ArrayList<>(pkByPosition.values());
    boolean rowidAlias = !withoutRowid && pkColumns.size() == 1 && "INTEGER".equals(integerKeyType);
    if (rowidAlias && !options.numbered()) {
      boolean autoincrement = createSql.toUpperCase(Locale.ROOT).contains("AUTOINCREMENT");
      warnings.add("table " + table + ": key " + pkColumns.get(0) + " is an INTEGER PRIMARY KEY"
          + (autoincrement ? " AUTOINCREMENT" : "") + ", so SQLite numbers new rows max+1 on each device; two devices"
          + " inserting concurrently pick the same number and their rows merge into one. Track it numbered for sync"
          + " (lattice enable --numbered " + table + ", or TrackOptions.numberedForSync()), or assign keys yourself"
          + " (a UUID), to keep rows from different devices apart.");
    }
    for (String index : uniqueIndexes(c, table)) {
      warnings.add("table " + table + ": UNIQUE constraint " + index + " is not part of the key. Rows inserted"
          + " concurrently on two devices may violate it when they merge, and INSERT OR REPLACE deletes the"
          + " conflicting row without a trigger seeing it, so that delete is not synced. Prefer making the unique"
          + " column the key, or avoid REPLACE on this table.");
    }
    if (pkColumns.size() > 1 && !realKeys.isEmpty()) {
      warnings.add("table " + table + ": REAL column(s) " + String.join(", ", realKeys) + " in a composite key are"
          + " identified to 15 significant digits; keys that differ only beyond that share one identity.");
    }
    for (String counter : options.counters()) {
      if (!columns.contains(counter)) {
        throw new UntrackableTableException(table, "counter column " + counter + " is not one of its non-key columns "
            + columns, "name an existing column that is not part of the primary key");
      }
    }
    if (options.numbered() && !rowidAlias && (pkColumns.size() == 1
        || !keyTypes.get(pkColumns.get(pkColumns.size() - 1)).contains("INT"))) {
      throw new UntrackableTableException(table, "only a table keyed by one INTEGER PRIMARY KEY column, or by a"
          + " composite key whose last column is an INTEGER (numbered within each value of the others), can be"
          + " numbered for sync", "track it without the numbered option");
    }
    for (Map.Entry<String, List<String>> reference : options.referencedBy().entrySet()) {
      checkNamedReference(c, table, pkColumns, options.numbered(), reference.getKey(), reference.getValue());
    }
    return new Inspection(new TableShape(table, pkColumns, columns, options.counters(), options.numbered()),
        warnings);
  }

  /** A reference named in the options: for a numbered table, columns of an existing table, one per key column. */
  private static void checkNamedReference(Connection c, String table, List<String> key, boolean numbered,
      String referring, List<String> columns) throws SQLException {
    if (!numbered) {
      throw new UntrackableTableException(table, "referencedBy names the columns that refer to a numbered table, and"
          + " it is not numbered", "add \"numbered\": true, or leave referencedBy out");
    }
    if (columns.size() != key.size()) {
      throw new UntrackableTableException(table, "referencedBy names " + columns.size() + " column(s) of " + referring
          + ", and its key has " + key.size() + " " + key, "name one column of " + referring + " per key column, in"
          + " key order");
    }
    List<String> existing = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
      p.setString(1, referring);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          existing.add(r.getString(1).toLowerCase(Locale.ROOT));
        }
      }
    }
    for (String column : columns) {
      if (!existing.contains(column.toLowerCase(Locale.ROOT))) {
        throw new UntrackableTableException(table, "referencedBy names " + referring + "." + column + ", which does"
            + " not exist", "name existing columns of an existing table");
      }
    }
  }

  private static String tableType(Connection c, String table) throws SQLException {
    Object type = Sql.one(c, "SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ?", table);
    if (type == null) {
      type = Sql.one(c, "SELECT type FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')", table);
    }
    return type == null ? null : type.toString();
  }

  private static List<String> uniqueIndexes(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND origin <> 'pk' ORDER BY name")) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
    }
    return names;
  }
}
