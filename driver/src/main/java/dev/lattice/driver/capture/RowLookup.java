package dev.lattice.driver.capture;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Reads an application row's value columns by Lattice's stored key, through the table's own primary-key index. */
final class RowLookup {
  private RowLookup() {}

  /** {@code SELECT <value columns> FROM <table> WHERE <key columns> = ?}, one parameter per key column. */
  static String sql(TableShape shape) {
    List<String> selected = shape.columns().stream().map(Sql::id).toList();
    return "SELECT " + String.join(", ", selected) + " FROM " + Sql.id(shape.name()) + " WHERE " + whereKey(shape);
  }

  /** {@code "a" = ? AND "b" = ?} over the key columns, in key order. */
  static String whereKey(TableShape shape) {
    return String.join(" AND ", shape.pkColumns().stream().map(k -> Sql.id(k) + " = ?").toList());
  }

  /** The row's values in column order, or null if no row has that key; {@code lookup} was prepared from {@link #sql}. */
  static Object[] values(PreparedStatement lookup, TableShape shape, Object pk) throws SQLException {
    Object[] key = PrimaryKeyCodec.decode(pk, shape.pkColumns().size());
    for (int i = 0; i < key.length; i++) {
      lookup.setObject(i + 1, key[i]);
    }
    try (ResultSet r = lookup.executeQuery()) {
      if (!r.next()) {
        return null;
      }
      Object[] values = new Object[shape.columns().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = Sql.normalize(r.getObject(i + 1));
      }
      return values;
    }
  }
}
