package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Generates the {@code lattice_changes} view: one row per current cell version of every tracked table, with columns
 * {@code table_name, pk, column_name, value, site_id, seq, hlc, cl}. The row cell ({@code column_name IS NULL}) carries
 * the row's existence; column cells exist only for live rows and take their value from the application's table. A
 * counter column has one row per contributing site instead, whose value is that site's contribution.
 *
 * <p>A TEMP view, made on a Lattice connection when its SQL first mentions {@code lattice_changes} (and remade when
 * the schema changed since): a view stored in the database would read the application's tables, and SQLite checks
 * every stored view when a table is renamed, so the rebuild migrations use (drop the old table, rename the new one)
 * would fail on it, on every connection, Lattice's or not.
 *
 * <p>The view reads folded metadata; the driver folds before every read of change metadata it serves and
 * {@code SELECT lattice_fold()} folds on demand (see {@link LogFold} for why capture is deferred).
 */
final class ChangesView {
  private ChangesView() {}

  static void rebuild(Connection c, Collection<TrackedTables.Registered> tables) throws SQLException {
    List<String> branches = new ArrayList<>();
    for (TrackedTables.Registered table : tables) {
      if (table.tracked()) {
        branches.addAll(branches(table.id(), table.shape()));
      }
    }
    if (branches.isEmpty()) {
      branches.add("SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0");
    }
    drop(c);
    Sql.exec(c, "DROP VIEW IF EXISTS main.lattice_changes"); // stored by earlier versions
    Sql.exec(c, "CREATE TEMP VIEW lattice_changes(table_name, pk, column_name, value, site_id, seq, hlc, cl) AS "
        + String.join(" UNION ALL ", branches));
  }

  static boolean exists(Connection c) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_temp_schema WHERE type = 'view' AND name = 'lattice_changes'") != null;
  }

  static void drop(Connection c) throws SQLException {
    Sql.exec(c, "DROP VIEW IF EXISTS temp.lattice_changes");
  }

  private static List<String> branches(int id, TableShape shape) {
    String name = Sql.literal(shape.name());
    List<String> branches = new ArrayList<>();
    branches.add("SELECT " + name + ", r.pk, NULL, NULL, s.site_id, r.seq, r.hlc, r.cl FROM lattice_rows r"
        + " JOIN lattice_sites s ON s.ord = r.site WHERE r.tbl = " + id);
    String match = shape.pkColumns().size() == 1
        ? "t." + Sql.id(shape.pkColumns().get(0)) + " = r.pk"
        : "r.pk = " + shape.pkExpression("t");
    for (int i = 0; i < shape.columns().size(); i++) {
      String column = shape.columns().get(i);
      if (shape.isCounter(i)) {
        branches.add("SELECT " + name + ", r.pk, " + Sql.literal(column) + ", k.total, s.site_id, k.seq, k.hlc, r.cl"
            + " FROM lattice_counters k JOIN lattice_rows r ON r.tbl = k.tbl AND r.pk = k.pk"
            + " JOIN lattice_sites s ON s.ord = k.site WHERE k.tbl = " + id + " AND k.col = " + i
            + " AND r.cl % 2 = 1");
        continue;
      }
      branches.add("SELECT " + name + ", r.pk, " + Sql.literal(column) + ", t." + Sql.id(column) + ","
          + " coalesce(so.site_id, s.site_id), coalesce(o.seq, r.seq), coalesce(o.hlc, r.hlc), r.cl"
          + " FROM lattice_rows r JOIN " + Sql.id(shape.name()) + " t ON " + match
          + " JOIN lattice_sites s ON s.ord = r.site"
          + " LEFT JOIN lattice_cols o ON o.tbl = r.tbl AND o.pk = r.pk AND o.col = " + i
          + " LEFT JOIN lattice_sites so ON so.ord = o.site"
          + " WHERE r.tbl = " + id + " AND r.cl % 2 = 1");
    }
    return branches;
  }
}
