package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key of a numbered table as numbering sees it: the number is the key's last column, counted within each value of
 * the others (its prefix). A table keyed by one {@code INTEGER PRIMARY KEY} has an empty prefix, and one count; TPC-C's
 * orders, keyed {@code (o_w_id, o_d_id, o_id)}, are numbered within each district.
 */
final class NumberedKey {
  final TrackedTables.Registered table;
  final List<String> prefixColumns;
  final String numberColumn;
  private final String name;

  NumberedKey(TrackedTables.Registered table) {
    this.table = table;
    List<String> key = table.shape().pkColumns();
    this.prefixColumns = key.subList(0, key.size() - 1);
    this.numberColumn = key.get(key.size() - 1);
    this.name = "main." + Sql.id(table.shape().name());
  }

  /** A stored key's prefix and number; null for a key that holds no integer number. */
  Slot slot(Object storedKey) {
    Object[] parts = PrimaryKeyCodec.decode(storedKey, prefixColumns.size() + 1);
    if (!(Sql.normalize(parts[parts.length - 1]) instanceof Long number)) {
      return null;
    }
    return new Slot(List.of(Arrays.copyOf(parts, parts.length - 1)), number);
  }

  /** Where a row's number sits: {@code prefix} holds the values of the other key columns. */
  record Slot(List<Object> prefix, long number) {}

  /** {@code "t.a = ? AND t.b = ? AND "} for the prefix columns of the row aliased {@code alias}; empty for none. */
  String prefixCondition(String alias) {
    StringBuilder sql = new StringBuilder();
    for (String column : prefixColumns) {
      sql.append(alias).append('.').append(Sql.id(column)).append(" = ? AND ");
    }
    return sql.toString();
  }

  /** The table, qualified, for statements. */
  String table() {
    return name;
  }

  /** The rows inserted here and not settled that still exist, by prefix, numbers ascending; prefixes in key order. */
  Map<List<Object>, List<Long>> provisional(Connection c) throws SQLException {
    Map<List<Object>, List<Long>> out = new LinkedHashMap<>();
    if (prefixColumns.isEmpty()) {
      // One statement: the provisional numbers joined to the rows by the rowid.
      List<Long> alive = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT p.num FROM lattice_provisional p JOIN " + name + " t ON t."
          + Sql.id(numberColumn) + " = p.num WHERE p.tbl = ? ORDER BY p.num")) {
        p.setInt(1, table.id());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            alive.add(r.getLong(1));
          }
        }
      }
      if (!alive.isEmpty()) {
        out.put(List.of(), alive);
      }
      return out;
    }
    for (Object stored : records(c)) {
      Slot slot = slot(stored);
      if (slot != null && exists(c, slot)) {
        out.computeIfAbsent(slot.prefix(), k -> new ArrayList<>()).add(slot.number());
      }
    }
    out.values().forEach(numbers -> numbers.sort(null));
    return out;
  }

  /**
   * Fills {@code temp.lattice_gone(pk, known)} with the provisional records of this table whose row is gone: one
   * statement for a one-column key; for a composite key, each record's row looked up by its decoded key.
   */
  void noteVacated(Connection c) throws SQLException {
    Sql.exec(c, "CREATE TEMP TABLE IF NOT EXISTS lattice_gone(pk PRIMARY KEY NOT NULL, known INTEGER NOT NULL)"
        + " WITHOUT ROWID");
    Sql.exec(c, "DELETE FROM temp.lattice_gone");
    if (prefixColumns.isEmpty()) {
      Sql.update(c, "INSERT INTO temp.lattice_gone(pk, known) SELECT num, known FROM lattice_provisional WHERE tbl = ?"
          + " AND num NOT IN (SELECT " + Sql.id(numberColumn) + " FROM " + name + ")", table.id());
      return;
    }
    List<Object[]> records = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT num, known FROM lattice_provisional WHERE tbl = ?")) {
      p.setInt(1, table.id());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          records.add(new Object[] {r.getObject(1), r.getInt(2)});
        }
      }
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO temp.lattice_gone(pk, known) VALUES (?, ?)")) {
      for (Object[] record : records) {
        Slot slot = slot(record[0]);
        if (slot == null || !exists(c, slot)) {
          Sql.bind(insert, 1, record);
          insert.executeUpdate();
        }
      }
    }
  }

  /** The highest number of the prefix that is not provisional here (for a one-column key, live or deleted); 0 if none. */
  long highestSettled(Connection c, List<Object> prefix) throws SQLException {
    Object found;
    if (prefixColumns.isEmpty()) {
      // Down the key index from the top, stopping at the first settled number: not max(), which would read them all.
      found = Sql.one(c, "SELECT pk FROM lattice_rows WHERE tbl = ? AND typeof(pk) = 'integer' AND pk NOT IN"
          + " (SELECT num FROM lattice_provisional WHERE tbl = ?) ORDER BY pk DESC LIMIT 1", table.id(), table.id());
    } else {
      // A composite key's metadata cannot be searched by prefix: the table's own key index can, for live rows.
      List<Object> args = new ArrayList<>(prefix);
      args.add(table.id());
      found = Sql.one(c, "SELECT t." + Sql.id(numberColumn) + " FROM " + name + " t WHERE " + prefixCondition("t")
          + table.shape().pkExpression("t") + " NOT IN (SELECT num FROM lattice_provisional WHERE tbl = ?) ORDER BY t."
          + Sql.id(numberColumn) + " DESC LIMIT 1", args.toArray());
    }
    return found == null ? 0 : ((Number) found).longValue();
  }

  /** The highest number the prefix holds, in the table or (for a one-column key) its metadata; 0 if none. */
  long highest(Connection c, List<Object> prefix) throws SQLException {
    return beyond(c, prefix, "max");
  }

  /** The lowest number the prefix holds, in the table or (for a one-column key) its metadata, or 0 if none is lower. */
  long lowest(Connection c, List<Object> prefix) throws SQLException {
    return beyond(c, prefix, "min");
  }

  /** {@code extreme} ({@code max} or {@code min}) of 0 and every number the prefix holds. */
  private long beyond(Connection c, List<Object> prefix, String extreme) throws SQLException {
    String column = Sql.id(numberColumn);
    if (prefixColumns.isEmpty()) {
      return Sql.oneLong(c, "SELECT " + extreme + "(0, coalesce((SELECT " + extreme + "(" + column + ") FROM " + name
          + "), 0), coalesce((SELECT " + extreme + "(pk) FROM lattice_rows WHERE tbl = ? AND typeof(pk) = 'integer'),"
          + " 0))", table.id());
    }
    return Sql.oneLong(c, "SELECT " + extreme + "(0, coalesce(" + extreme + "(t." + column + "), 0)) FROM " + name
        + " t WHERE " + prefixCondition("t") + "1", prefix.toArray());
  }

  /**
   * The counter the prefix's numbers come from: the table's name, and for a composite key the prefix's values as
   * SQLite's {@code quote()} writes them, after a NUL (no table name holds one).
   */
  String counter(List<Object> prefix) {
    if (prefix.isEmpty()) {
      return table.shape().name();
    }
    StringBuilder out = new StringBuilder(table.shape().name()).append('\0');
    for (int i = 0; i < prefix.size(); i++) {
      out.append(i == 0 ? "" : ",").append(quote(prefix.get(i)));
    }
    return out.toString();
  }

  private List<Object> records(Connection c) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT num FROM lattice_provisional WHERE tbl = ? ORDER BY num")) {
      p.setInt(1, table.id());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getObject(1));
        }
      }
    }
    return out;
  }

  private boolean exists(Connection c, Slot slot) throws SQLException {
    List<Object> args = new ArrayList<>(slot.prefix());
    args.add(slot.number());
    return Sql.one(c, "SELECT 1 FROM " + name + " t WHERE " + prefixCondition("t") + "t." + Sql.id(numberColumn)
        + " = ?", args.toArray()) != null;
  }

  private static String quote(Object value) {
    Object v = Sql.normalize(value);
    if (v == null) {
      return "NULL";
    } else if (v instanceof String s) {
      return "'" + s.replace("'", "''") + "'";
    } else if (v instanceof byte[] b) {
      return "X'" + java.util.HexFormat.of().withUpperCase().formatHex(b) + "'";
    }
    return v.toString();
  }
}
