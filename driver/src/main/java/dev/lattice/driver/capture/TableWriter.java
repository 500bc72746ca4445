package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a merge's outcome to one application table, by Lattice's stored key: a death deletes the row, a new life
 * inserts it whole, and a change within a life updates the columns that changed. Statements are prepared on first
 * use; an update is prepared once per set of changed columns.
 */
final class TableWriter implements AutoCloseable {
  private final Connection c;
  private final TableShape shape;
  private final String whereKey;
  private PreparedStatement delete;
  private PreparedStatement insert;
  private PreparedStatement values;
  private final Map<Long, PreparedStatement> updates = new HashMap<>();
  private Object[] defaults;

  TableWriter(Connection c, TableShape shape) {
    this.c = c;
    this.shape = shape;
    this.whereKey = RowLookup.whereKey(shape);
  }

  TableShape shape() {
    return shape;
  }

  /** The row's values in column order, or null if the table has no row with that key. */
  Object[] values(Object pk) throws SQLException {
    if (values == null) {
      values = c.prepareStatement(RowLookup.sql(shape));
    }
    return RowLookup.values(values, shape, pk);
  }

  void delete(Object pk) throws SQLException {
    if (delete == null) {
      delete = c.prepareStatement("DELETE FROM " + Sql.id(shape.name()) + " WHERE " + whereKey);
    }
    Sql.bind(delete, 1, key(pk));
    delete.executeUpdate();
  }

  /** Inserts (or replaces) the whole row: a new life brings every column of its own. */
  void insertWhole(Object pk, Object[] columnValues) throws SQLException {
    if (insert == null) {
      List<String> names = new ArrayList<>(shape.pkColumns());
      names.addAll(shape.columns());
      insert = c.prepareStatement("INSERT OR REPLACE INTO " + Sql.id(shape.name()) + "("
          + String.join(", ", names.stream().map(Sql::id).toList()) + ") VALUES ("
          + String.join(", ", names.stream().map(n -> "?").toList()) + ")");
    }
    Object[] key = key(pk);
    Sql.bind(insert, 1, key);
    Sql.bind(insert, key.length + 1, columnValues);
    insert.executeUpdate();
  }

  /** Sets the columns marked in {@code changed} to their {@code columnValues}. */
  void update(Object pk, Object[] columnValues, boolean[] changed) throws SQLException {
    long mask = 0;
    List<Object> args = new ArrayList<>();
    for (int i = 0; i < changed.length; i++) {
      if (changed[i]) {
        mask |= 1L << i;
        args.add(columnValues[i]);
      }
    }
    if (mask == 0) {
      return;
    }
    PreparedStatement update = updates.get(mask);
    if (update == null) {
      List<String> sets = new ArrayList<>();
      for (int i = 0; i < changed.length; i++) {
        if (changed[i]) {
          sets.add(Sql.id(shape.columns().get(i)) + " = ?");
        }
      }
      update = c.prepareStatement("UPDATE " + Sql.id(shape.name()) + " SET " + String.join(", ", sets) + " WHERE "
          + whereKey);
      updates.put(mask, update);
    }
    Sql.bind(update, 1, args.toArray());
    Sql.bind(update, args.size() + 1, key(pk));
    update.executeUpdate();
  }

  /** The value column {@code i} takes when an insert leaves it out: its declared default. */
  Object columnDefault(int i) throws SQLException {
    if (defaults == null) {
      defaults = new Object[shape.columns().size()];
      for (int k = 0; k < defaults.length; k++) {
        Object expression = Sql.one(c, "SELECT dflt_value FROM pragma_table_xinfo(?) WHERE name = ?", shape.name(),
            shape.columns().get(k));
        defaults[k] = expression == null ? null : Sql.one(c, "SELECT " + expression);
      }
    }
    return defaults[i];
  }

  private Object[] key(Object pk) {
    return PrimaryKeyCodec.decode(pk, shape.pkColumns().size());
  }

  @Override
  public void close() throws SQLException {
    List<PreparedStatement> all = new ArrayList<>(updates.values());
    for (PreparedStatement p : new PreparedStatement[] {delete, insert, values}) {
      if (p != null) {
        all.add(p);
      }
    }
    updates.clear();
    Sql.closeAll(all);
  }
}
