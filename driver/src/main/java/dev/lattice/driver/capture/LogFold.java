package dev.lattice.driver.capture;

import dev.lattice.driver.SqlStates;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Folds the capture log into per-row clocks ({@code lattice_rows}) and column versions ({@code lattice_cols}).
 *
 * <h2>Why a fold</h2>
 *
 * Metadata keyed by primary key is what costs in capture: with random keys every row written in a transaction dirties
 * a different page of that index, and the whole page goes to the WAL at commit (about 40 KB per inserted row in the
 * per-column layout DESIGN.md measured). The triggers therefore only append to {@code lattice_log}, whose key is the
 * sequence number, and this fold rewrites the keyed tables later for many transactions at once, touching each page
 * once per fold rather than once per transaction.
 *
 * <h2>What it computes</h2>
 *
 * For each row with pending operations, replayed in sequence order:
 *
 * <ul>
 *   <li>insert: the row starts a new life: its causal length becomes the next odd number (from 2 to 3, or from 3 to 5
 *       when an insert lands on a live row, which is how {@code INSERT OR REPLACE} shows up); the row's version becomes
 *       the insert's, and that version covers every column, so older column versions are dropped;
 *   <li>delete: the causal length becomes the next even number; the row's version becomes the delete's;
 *   <li>update: each changed column's version becomes the update's, unless a later insert or delete superseded it;
 *   <li>for a counter column, an insert or update sets this site's contribution instead (see {@code foldCounters}).
 * </ul>
 *
 * Causal length is replayed set-wise: each insert or delete adds 1, or 2 when it has to skip a parity (an insert over
 * a live row, a delete of a dead one); whether the row was alive before an operation is known from the previous
 * operation, or for the first one from the folded causal length. Afterwards the log keeps only its newest row, which
 * anchors the sequence ({@code max(rowid) + 1}) and the clock.
 *
 * <p>The fold is idempotent and runs in one transaction: a crash leaves either the log or its folded result.
 */
final class LogFold {
  /** SQLite's primary result code for a write to a read-only database. */
  private static final int SQLITE_READONLY = 8;
  private static final String LIFE_TABLE = "CREATE TEMP TABLE IF NOT EXISTS lattice_fold_life(tbl INTEGER NOT NULL,"
      + " pk NOT NULL, cl INTEGER NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, PRIMARY KEY (tbl, pk))"
      + " WITHOUT ROWID";

  /**
   * Per row with pending inserts or deletes: the causal length it reaches and the version of the last such operation.
   * The changes view reads the same select, so that it shows what a fold would write.
   */
  static final String PENDING_LIVES = "SELECT tbl, pk,"
      + " cl0 + sum(CASE WHEN op = " + LatticeSchema.OP_DELETE + " THEN 2 - alive ELSE 1 + alive END) AS cl,"
      + " max(seq) AS seq, hlc"
      + " FROM (SELECT l.tbl, l.pk, l.seq, l.hlc, l.op, coalesce(r.cl, 0) AS cl0,"
      + "         coalesce(lag(l.op) OVER (PARTITION BY l.tbl, l.pk ORDER BY l.seq) = " + LatticeSchema.OP_INSERT + ","
      + "                  coalesce(r.cl, 0) % 2 = 1) AS alive"
      + "       FROM main.lattice_log l LEFT JOIN main.lattice_rows r ON r.tbl = l.tbl AND r.pk = l.pk"
      + "       WHERE l.op IN (" + LatticeSchema.OP_INSERT + ", " + LatticeSchema.OP_DELETE + "))"
      + " GROUP BY tbl, pk";

  private static final String LIVES = "INSERT INTO temp.lattice_fold_life(tbl, pk, cl, seq, hlc) " + PENDING_LIVES;

  private static final String ROW_CLOCKS = "INSERT INTO main.lattice_rows(tbl, pk, cl, site, seq, hlc)"
      + " SELECT tbl, pk, cl, " + LatticeSchema.LOCAL_SITE + ", seq, hlc FROM temp.lattice_fold_life WHERE true"
      + " ON CONFLICT(tbl, pk) DO UPDATE SET cl = excluded.cl, site = excluded.site, seq = excluded.seq,"
      + " hlc = excluded.hlc";

  private static final String CLEAR_OLD_LIFE_COLUMNS =
      "DELETE FROM main.lattice_cols WHERE (tbl, pk) IN (SELECT tbl, pk FROM temp.lattice_fold_life)";

  private static final String CLEAR_OLD_LIFE_COUNTERS =
      "DELETE FROM main.lattice_counters WHERE (tbl, pk) IN (SELECT tbl, pk FROM temp.lattice_fold_life)";

  private static final String COLUMN_VERSIONS = "INSERT INTO main.lattice_cols(tbl, pk, col, site, seq, hlc) "
      + pendingColumnVersions("temp.lattice_fold_life", "?")
      + " ON CONFLICT(tbl, pk, col) DO UPDATE SET site = excluded.site, seq = excluded.seq, hlc = excluded.hlc";

  private LogFold() {}

  /**
   * The column versions pending updates set: per row and changed column (not counters), the newest update after the
   * row's pending insert or delete, if any, whose rows {@code lives} holds (a relation shaped like
   * {@link #PENDING_LIVES}). {@code widest} is SQL for the number of value columns of the widest table. Columns
   * {@code tbl, pk, col, site, seq, hlc}, site being this replica's. Bare column {@code hlc} next to {@code max(seq)}
   * takes the value from the row holding the maximum (SQLite rule).
   */
  static String pendingColumnVersions(String lives, String widest) {
    return "WITH RECURSIVE bits(bit) AS (SELECT 0 UNION ALL SELECT bit + 1 FROM bits WHERE bit + 1 < " + widest + ")"
        + " SELECT l.tbl AS tbl, l.pk AS pk, b.bit AS col, " + LatticeSchema.LOCAL_SITE + " AS site, max(l.seq) AS seq,"
        + " l.hlc AS hlc"
        + " FROM main.lattice_log l JOIN bits b ON (l.cols >> b.bit) & 1 = 1"
        + " WHERE l.op = " + LatticeSchema.OP_UPDATE + " AND l.seq > coalesce((SELECT f.seq FROM " + lives + " f"
        + "   WHERE f.tbl = l.tbl AND f.pk = l.pk), 0)"
        + " AND NOT EXISTS (SELECT 1 FROM main.lattice_columns k WHERE k.tbl = l.tbl AND k.role = 'value'"
        + "   AND k.position = b.bit AND k.counter = 1)"
        + " GROUP BY l.tbl, l.pk, b.bit";
  }

  /**
   * This replica's own writes up to this sequence number are folded into metadata; later ones are only in the log.
   * What a reader of folded metadata may vouch for: a writer on another connection may have committed to the log
   * since the last fold.
   */
  static long foldedSeq(Connection c) throws SQLException {
    return Sql.oneLong(c, "SELECT coalesce((SELECT min(seq) - 1 FROM lattice_log WHERE op <> " + LatticeSchema.OP_FOLDED
        + "), (SELECT max(seq) FROM lattice_log), 0)");
  }

  /** The newest sequence number in the log, 0 if it is empty: one seek on its integer key. */
  static long lastSeq(Connection c) throws SQLException {
    return Sql.oneLong(c, "SELECT max(seq) FROM main.lattice_log");
  }

  /**
   * Number of log rows waiting to be folded, in three lookups on the log's integer key: the log is contiguous and only
   * its oldest row can be an already-folded anchor. Each aggregate has a subquery of its own: SQLite seeks for a lone
   * {@code min} or {@code max}, but scans the whole log for both in one query.
   */
  static long pending(Connection c) throws SQLException {
    return Sql.oneLong(c, PENDING);
  }

  /** How many log rows are pending: {@link #pending}. */
  static final String PENDING = "SELECT (SELECT max(seq) FROM main.lattice_log) - (SELECT min(seq) FROM"
      + " main.lattice_log) + (SELECT op <> " + LatticeSchema.OP_FOLDED + " FROM main.lattice_log ORDER BY seq LIMIT 1)";

  /**
   * Sets this replica's contribution to every counter cell its pending writes touched: the cell's current value minus
   * the other sites' contributions, so that the value stays the sum of all contributions. A cell that is NULL with no
   * contribution anywhere stays without one (NULL, not 0, on every replica).
   */
  private static void foldCounters(Connection c) throws SQLException {
    if (Sql.one(c, "SELECT 1 FROM lattice_columns WHERE counter = 1 LIMIT 1") == null) {
      return;
    }
    for (TrackedTables.Registered table : TrackedTables.all(c).values()) {
      TableShape shape = table.shape();
      for (int i = 0; i < shape.columns().size(); i++) {
        if (shape.isCounter(i)) {
          Sql.exec(c, counterSql(table.id(), shape, i));
        }
      }
    }
  }

  private static String counterSql(int id, TableShape shape, int column) {
    return "INSERT INTO main.lattice_counters(tbl, pk, col, site, total, seq, hlc) "
        + pendingCounters("temp.lattice_fold_life", "main.lattice_rows", id, shape, column)
        + " ON CONFLICT(tbl, pk, col, site) DO UPDATE SET total = excluded.total, seq = excluded.seq,"
        + " hlc = excluded.hlc";
  }

  /**
   * This replica's contribution to counter {@code column} of table {@code id} in every row its pending writes set it
   * in: the cell's value minus the other sites' contributions in the row's current life. {@code lives} holds the
   * pending lives (shaped like {@link #PENDING_LIVES}): a row starting a new life has no other contributions yet.
   * {@code rows} holds row clocks with the pending lives applied. Columns {@code tbl, pk, col, site, total, seq, hlc}.
   */
  static String pendingCounters(String lives, String rows, int id, TableShape shape, int column) {
    String value = "t." + Sql.id(shape.columns().get(column));
    String others = "(SELECT sum(o.total) FROM main.lattice_counters o WHERE o.tbl = l.tbl AND o.pk = l.pk"
        + " AND o.col = " + column + " AND o.site <> " + LatticeSchema.LOCAL_SITE
        + " AND NOT EXISTS (SELECT 1 FROM " + lives + " f WHERE f.tbl = l.tbl AND f.pk = l.pk))";
    String match = shape.pkColumns().size() == 1
        ? "t." + Sql.id(shape.pkColumns().get(0)) + " = l.pk" : "l.pk = " + shape.pkExpression("t");
    return "SELECT l.tbl AS tbl, l.pk AS pk, " + column + " AS col, " + LatticeSchema.LOCAL_SITE + " AS site,"
        + " coalesce(" + value + ", 0) - coalesce(" + others + ", 0) AS total, max(l.seq) AS seq, l.hlc AS hlc"
        + " FROM main.lattice_log l JOIN " + rows + " r ON r.tbl = l.tbl AND r.pk = l.pk AND r.cl % 2 = 1"
        + " JOIN main." + Sql.id(shape.name()) + " t ON " + match
        + " WHERE l.tbl = " + id + " AND (l.op = " + LatticeSchema.OP_INSERT + " OR (l.op = " + LatticeSchema.OP_UPDATE
        + " AND (l.cols >> " + column + ") & 1 = 1))"
        + " AND l.seq >= coalesce((SELECT f.seq FROM " + lives + " f WHERE f.tbl = l.tbl AND f.pk = l.pk), 0)"
        + " AND (" + value + " IS NOT NULL OR " + others + " IS NOT NULL)"
        + " GROUP BY l.tbl, l.pk";
  }

  /** Folds every pending log row; returns how many there were. A no-op on a database Lattice never enabled. */
  static long fold(Connection c) throws SQLException {
    return LatticeSchema.exists(c) ? foldDue(c, pending(c)) : 0;
  }

  /** Folds the {@code due} pending log rows ({@link #pending}) of a database Lattice enabled, if there are any. */
  static long foldDue(Connection c, long due) throws SQLException {
    if (due == 0) {
      return 0;
    }
    try {
      return foldPending(c);
    } catch (SQLException e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_READONLY) {
        throw e;
      }
      // Reads through the replica API need the log folded first: say so, rather than SQLite's bare refusal.
      throw new SQLException("cannot fold " + due + " captured write" + (due == 1 ? "" : "s") + " of this database:"
          + " it is open read-only (" + e.getMessage() + "). Lattice reads changes, vectors and roots from folded"
          + " metadata. Fix: open it writable once (any jdbc:lattice: connection or Replica call folds the log),"
          + " then read-only readers work; plain SQL reads work meanwhile", SqlStates.READ_ONLY_TRANSACTION,
          e.getErrorCode(), e);
    }
  }

  private static long foldPending(Connection c) throws SQLException {
    return Transactions.write(c, "lattice_fold", () -> {
      long pending = pending(c);
      if (pending == 0) {
        return 0L;
      }
      Sql.exec(c, LIFE_TABLE);
      Sql.exec(c, "DELETE FROM temp.lattice_fold_life");
      Sql.exec(c, LIVES);
      Sql.exec(c, ROW_CLOCKS);
      Sql.exec(c, CLEAR_OLD_LIFE_COLUMNS);
      Sql.exec(c, CLEAR_OLD_LIFE_COUNTERS);
      foldCounters(c);
      long widest = Sql.oneLong(c, "SELECT max(position) + 1 FROM lattice_columns WHERE role = 'value'");
      if (widest > 0) {
        Sql.update(c, COLUMN_VERSIONS, widest);
      }
      Sql.exec(c, "DELETE FROM temp.lattice_fold_life");
      Sql.exec(c, "DELETE FROM main.lattice_log WHERE seq < (SELECT max(seq) FROM main.lattice_log)");
      Sql.exec(c, "UPDATE main.lattice_log SET op = " + LatticeSchema.OP_FOLDED + ", cols = NULL WHERE op <> "
          + LatticeSchema.OP_FOLDED);
      return pending;
    });
  }
}
