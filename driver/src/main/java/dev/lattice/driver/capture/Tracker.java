package dev.lattice.driver.capture;

import dev.lattice.driver.TrackOptions;
import dev.lattice.driver.TrackReport;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Starts and stops capture on a table.
 *
 * <p>Tracking reconciles the table with its metadata, so the first track and a re-track after {@code untrack} are one
 * code path: rows without a live clock are logged as inserts (every row, the first time), live clocks without a row as
 * deletes, and rows present in both as updates of every column, because capture was off and any of them may have
 * changed. Untracking drops the triggers and keeps the metadata, so peers keep a consistent picture and a later
 * re-track can tell what happened meanwhile.
 */
public final class Tracker {
  private Tracker() {}

  public static TrackReport track(Connection c, String table, TrackOptions options) throws SQLException {
    TrackReport report = Transactions.write(c, "lattice_track", () -> {
      LatticeSchema.ensure(c);
      return SchemaEvolution.ownChange(c, () -> register(c, table, options));
    });
    LogFold.fold(c);
    return report;
  }

  private static TrackReport register(Connection c, String table, TrackOptions options) throws SQLException {
    TableInspector.Inspection inspection = TableInspector.inspect(c, table, options);
    TableShape declared = inspection.shape();
    TrackedTables.Registered known = TrackedTables.byName(c, table);
    if (known != null && known.shape().numbered() != declared.numbered()) {
      throw new UntrackableTableException(table, "it was tracked " + (known.shape().numbered() ? "" : "not ")
          + "numbered for sync", "track it as it was: every replica must number the same tables, and rows already"
          + " synced keep the numbers they have");
    }
    if (known != null && known.tracked()) {
      if (!known.shape().counters().equals(declared.counters())) {
        throw new UntrackableTableException(table, "it is already tracked with counter columns "
            + known.shape().counters() + ", not " + declared.counters(), "untrack it first to change how columns merge"
            + " (every replica must use the same)");
      }
      NamedReferences.write(c, known.id(), options.referencedBy());
      return new TrackReport(table, false, 0, inspection.warnings());
    }
    int id;
    TableShape shape = declared;
    if (known == null) {
      id = TrackedTables.register(c, shape);
    } else {
      if (!known.shape().pkColumns().equals(declared.pkColumns())) {
        throw new UntrackableTableException(table, "its primary key changed while it was untracked (was "
            + known.shape().pkColumns() + ", now " + declared.pkColumns() + ")", "restore the key: a row's key is"
            + " its identity on every replica");
      }
      // Columns changed meanwhile keep their versions by name; bit positions follow the registry's order.
      ColumnChanges changes = ColumnChanges.between(known.shape().columns(), declared.columns(), false);
      shape = new TableShape(table, declared.pkColumns(), changes.columns(), declared.counters(),
          declared.numbered());
      SchemaEvolution.renumber(c, known.id(), changes, known.shape().columns().size());
      TrackedTables.setValueColumns(c, known.id(), shape);
      id = known.id();
      TrackedTables.setState(c, id, TrackedTables.TRACKED);
    }
    NamedReferences.write(c, id, options.referencedBy());
    long captured = reconcile(c, id, shape, true);
    for (String ddl : TriggerSql.create(id, shape)) {
      Sql.exec(c, ddl);
    }
    ChangesView.rebuild(c, TrackedTables.all(c).values());
    return new TrackReport(table, true, captured, inspection.warnings());
  }

  /** Stops capture on {@code table}; returns false if it was not tracked. */
  public static boolean untrack(Connection c, String table) throws SQLException {
    return Transactions.write(c, "lattice_untrack", () -> SchemaEvolution.ownChange(c, () -> {
      TrackedTables.Registered known = TrackedTables.byName(c, table);
      if (known == null || known.state() == TrackedTables.UNTRACKED) {
        return false;
      }
      for (String ddl : TriggerSql.drop(known.id())) {
        Sql.exec(c, ddl);
      }
      TrackedTables.setState(c, known.id(), TrackedTables.UNTRACKED);
      ChangesView.rebuild(c, TrackedTables.all(c).values());
      return true;
    }));
  }

  /**
   * Logs what capture missed while it was off: an insert for every row without a live clock, a delete for every live
   * clock without a row and, if {@code updates}, an update of every column of the rows in both.
   */
  static long reconcile(Connection c, int id, TableShape shape, boolean updates) throws SQLException {
    String table = Sql.id(shape.name());
    String key = shape.pkExpression("t");
    String live = "SELECT pk FROM lattice_rows WHERE tbl = " + id + " AND cl % 2 = 1";
    String rows = "SELECT " + key + " FROM " + table + " t";
    String append = "INSERT INTO lattice_log(tbl, pk, op, cols, hlc) ";
    long captured = Sql.update(c, append + "SELECT " + id + ", " + key + ", " + LatticeSchema.OP_INSERT + ", NULL, "
        + TriggerSql.NEW_HLC + " FROM " + table + " t WHERE " + key + " NOT IN (" + live + ")");
    captured += Sql.update(c, append + "SELECT " + id + ", pk, " + LatticeSchema.OP_DELETE + ", NULL, "
        + TriggerSql.NEW_HLC + " FROM (" + live + ") WHERE pk NOT IN (" + rows + ")");
    if (updates && !shape.columns().isEmpty()) {
      captured += Sql.update(c, append + "SELECT " + id + ", pk, " + LatticeSchema.OP_UPDATE + ", "
          + shape.allColumnsMask() + ", " + TriggerSql.NEW_HLC + " FROM (" + live + ") WHERE pk IN (" + rows + ")");
    }
    return captured;
  }
}
