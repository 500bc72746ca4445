package dev.lattice.driver.capture;

import java.util.List;
import java.util.Set;

/**
 * What capture needs to know about a tracked table.
 *
 * @param name the table's name as declared
 * @param pkColumns primary-key columns in key order
 * @param columns the other columns Lattice versions, in bit order: bit {@code i} of a log row's column mask is
 *     {@code columns.get(i)}
 * @param counters the value columns that merge as counters (see {@link dev.lattice.driver.TrackOptions})
 * @param numbered rows inserted here are numbered for sync before they leave ({@link Numbering}); the key's last
 *     column holds the number ({@link NumberedKey})
 */
record TableShape(String name, List<String> pkColumns, List<String> columns, Set<String> counters,
    boolean numbered) {

  /** Column masks are SQLite integers; bit 63 is the sign, so 63 value columns is the most a mask can carry. */
  static final int MAX_COLUMNS = 63;

  TableShape {
    pkColumns = List.copyOf(pkColumns);
    columns = List.copyOf(columns);
    counters = Set.copyOf(counters);
  }

  boolean isCounter(int column) {
    return counters.contains(columns.get(column));
  }

  /** The row's key as Lattice stores it, computed from the columns of {@code alias} (a table alias, NEW or OLD). */
  String pkExpression(String alias) {
    if (pkColumns.size() == 1) {
      return alias + "." + Sql.id(pkColumns.get(0));
    }
    StringBuilder sql = new StringBuilder();
    for (String column : pkColumns) {
      sql.append(sql.length() == 0 ? "" : " || ',' || ").append("quote(").append(alias).append('.')
          .append(Sql.id(column)).append(')');
    }
    return sql.toString();
  }

  /** A mask with one bit set for every value column. */
  long allColumnsMask() {
    return columns.isEmpty() ? 0 : (columns.size() == 63 ? Long.MAX_VALUE : (1L << columns.size()) - 1);
  }
}
