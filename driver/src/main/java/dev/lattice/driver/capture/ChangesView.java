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
 * <p>It shows every committed write, folded or not: it reads folded metadata with the capture log still pending laid
 * over it, through the same selects {@link LogFold} writes from ({@link LogFold#PENDING_LIVES},
 * {@link LogFold#pendingColumnVersions}, {@link LogFold#pendingCounters}), so a fold never changes what it shows.
 */
final class ChangesView {
  private static final String LIVES = "lattice_pending_lives";
  private static final String COLUMNS = "lattice_pending_columns";
  /** Row clocks with the pending lives applied; {@code pending} is 1 for a row whose life the log changed. */
  private static final String ROWS = "lattice_rows_now";

  private ChangesView() {}

  static void rebuild(Connection c, Collection<TrackedTables.Registered> tables) throws SQLException {
    List<String> branches = new ArrayList<>();
    List<String> counters = new ArrayList<>();
    int widest = 1;
    for (TrackedTables.Registered table : tables) {
      if (table.tracked()) {
        branches.addAll(branches(table.id(), table.shape(), counters));
        widest = Math.max(widest, table.shape().columns().size());
      }
    }
    if (branches.isEmpty()) {
      branches.add("SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0");
    }
    drop(c);
    Sql.exec(c, "DROP VIEW IF EXISTS main.lattice_changes"); // stored by earlier versions
    List<String> common = new ArrayList<>(List.of(
        LIVES + " AS MATERIALIZED (" + LogFold.PENDING_LIVES + ")",
        COLUMNS + " AS MATERIALIZED (" + LogFold.pendingColumnVersions(LIVES, String.valueOf(widest)) + ")",
        ROWS + " AS NOT MATERIALIZED (SELECT r.tbl AS tbl, r.pk AS pk, r.cl AS cl, r.site AS site, r.seq AS seq,"
            + " r.hlc AS hlc, 0 AS pending FROM main.lattice_rows r"
            + " WHERE NOT EXISTS (SELECT 1 FROM " + LIVES + " f WHERE f.tbl = r.tbl AND f.pk = r.pk)"
            + " UNION ALL SELECT tbl, pk, cl, " + LatticeSchema.LOCAL_SITE + ", seq, hlc, 1 FROM " + LIVES + ")"));
    common.addAll(counters);
    Sql.exec(c, "CREATE TEMP VIEW lattice_changes(table_name, pk, column_name, value, site_id, seq, hlc, cl) AS "
        + "WITH " + String.join(", ", common) + " " + String.join(" UNION ALL ", branches));
  }

  static boolean exists(Connection c) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_temp_schema WHERE type = 'view' AND name = 'lattice_changes'") != null;
  }

  static void drop(Connection c) throws SQLException {
    Sql.exec(c, "DROP VIEW IF EXISTS temp.lattice_changes");
  }

  /** The view's selects for one table; adds the common table expressions its counter columns need to {@code common}. */
  private static List<String> branches(int id, TableShape shape, List<String> common) {
    String name = Sql.literal(shape.name());
    List<String> branches = new ArrayList<>();
    branches.add("SELECT " + name + ", r.pk, NULL, NULL, s.site_id, r.seq, r.hlc, r.cl FROM " + ROWS + " r"
        + " JOIN main.lattice_sites s ON s.ord = r.site WHERE r.tbl = " + id);
    String match = shape.pkColumns().size() == 1
        ? "t." + Sql.id(shape.pkColumns().get(0)) + " = r.pk"
        : "r.pk = " + shape.pkExpression("t");
    for (int i = 0; i < shape.columns().size(); i++) {
      String column = shape.columns().get(i);
      if (shape.isCounter(i)) {
        String pending = "lattice_pending_counters_" + id + "_" + i;
        common.add(pending + " AS MATERIALIZED (" + LogFold.pendingCounters(LIVES, ROWS, id, shape, i) + ")");
        branches.add("SELECT " + name + ", r.pk, " + Sql.literal(column) + ", k.total, s.site_id, k.seq, k.hlc, r.cl"
            + " FROM (SELECT o.tbl, o.pk, o.site, o.total, o.seq, o.hlc FROM main.lattice_counters o"
            + "   WHERE o.tbl = " + id + " AND o.col = " + i
            + "   AND NOT EXISTS (SELECT 1 FROM " + LIVES + " f WHERE f.tbl = o.tbl AND f.pk = o.pk)"
            + "   AND NOT (o.site = " + LatticeSchema.LOCAL_SITE + " AND EXISTS (SELECT 1 FROM " + pending + " p"
            + "     WHERE p.pk = o.pk))"
            + "   UNION ALL SELECT tbl, pk, site, total, seq, hlc FROM " + pending + ") k"
            + " JOIN " + ROWS + " r ON r.tbl = k.tbl AND r.pk = k.pk"
            + " JOIN main.lattice_sites s ON s.ord = k.site WHERE r.cl % 2 = 1");
        continue;
      }
      branches.add("SELECT " + name + ", r.pk, " + Sql.literal(column) + ", t." + Sql.id(column) + ","
          + " coalesce(sv.site_id, so.site_id, s.site_id), coalesce(v.seq, o.seq, r.seq),"
          + " coalesce(v.hlc, o.hlc, r.hlc), r.cl"
          + " FROM " + ROWS + " r JOIN main." + Sql.id(shape.name()) + " t ON " + match
          + " JOIN main.lattice_sites s ON s.ord = r.site"
          + " LEFT JOIN main.lattice_cols o ON r.pending = 0 AND o.tbl = r.tbl AND o.pk = r.pk AND o.col = " + i
          + " LEFT JOIN main.lattice_sites so ON so.ord = o.site"
          + " LEFT JOIN " + COLUMNS + " v ON v.tbl = r.tbl AND v.pk = r.pk AND v.col = " + i
          + " LEFT JOIN main.lattice_sites sv ON sv.ord = v.site"
          + " WHERE r.tbl = " + id + " AND r.cl % 2 = 1");
    }
    return branches;
  }
}
