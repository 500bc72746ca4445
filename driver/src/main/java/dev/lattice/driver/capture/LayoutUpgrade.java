package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Brings Lattice's tables in a database written by an earlier layout up to {@link LatticeSchema#VERSION}, in place,
 * in one transaction (a failure leaves the file as it was), and refuses a database written by a later one.
 *
 * <p>The layouts, each kept as a test fixture written by the code of its time (driver/src/test/resources/layouts):
 *
 * <ul>
 *   <li>1, first shape (2026-11-22, before counter columns): no {@code lattice_counters}, no {@code counter} flag in
 *       {@code lattice_columns}, and a {@code lattice_changes} view stored in the database;
 *   <li>1, last shape (until 2026-12-06): counters; {@code lattice_stable} made when a stable point is first learned;
 *       {@code schema_cookie} in {@code lattice_meta}; capture triggers of that time;
 *   <li>2: the same tables as 1's last shape, the rekey trigger declared {@code AFTER UPDATE OF} the key columns; the
 *       version number now says which shape a file has, so that a driver refuses what it does not know;
 *   <li>3: numbered tables ({@code lattice_tables.numbered}, {@code lattice_provisional}): a driver that does not know
 *       them would send rows not yet numbered for sync.
 * </ul>
 */
final class LayoutUpgrade {
  private LayoutUpgrade() {}

  /** Refuses a database written by a newer layout than this driver knows. */
  static void refuseNewer(Connection c) throws SQLException {
    int layout = LatticeSchema.layout(c);
    if (layout > LatticeSchema.VERSION) {
      throw new NewerLayoutException(layout);
    }
  }

  /**
   * Upgrades the database if an earlier layout wrote it; one query when it is current. Refuses a newer layout. A
   * read-only connection cannot upgrade: it reads what it can, and the first writable one upgrades.
   */
  static void upgradeIfOlder(Connection c) throws SQLException {
    int layout = LatticeSchema.layout(c);
    if (layout > LatticeSchema.VERSION) {
      throw new NewerLayoutException(layout);
    }
    if (layout == 0 || layout == LatticeSchema.VERSION || c.isReadOnly()) {
      return;
    }
    Transactions.write(c, "lattice_upgrade", () -> {
      int from = LatticeSchema.layout(c);
      // The upgrade's own schema changes are no change for capture to follow; one another tool made before it is.
      boolean followed = SchemaEvolution.current(c);
      if (from < 3) {
        // First: reading the registry, as 2's trigger rewrite does, asks for the flag.
        Sql.exec(c, "ALTER TABLE lattice_tables ADD COLUMN numbered INTEGER NOT NULL DEFAULT 0");
      }
      if (from < 2) {
        toTwo(c); // follows whatever changed, then rewrites the triggers
        followed = true;
      }
      if (from < 3) {
        toThree(c);
      }
      if (followed) {
        SchemaEvolution.recordCookie(c);
      }
      return null;
    });
  }

  /** From either shape of layout 1. */
  private static void toTwo(Connection c) throws SQLException {
    if (Sql.one(c, "SELECT 1 FROM pragma_table_info('lattice_columns') WHERE name = 'counter'") == null) {
      Sql.exec(c, "ALTER TABLE lattice_columns ADD COLUMN counter INTEGER NOT NULL DEFAULT 0");
    }
    Sql.exec(c, LatticeSchema.COUNTERS);
    Sql.exec(c, LatticeSchema.COUNTERS_BY_VERSION);
    Sql.exec(c, "DROP VIEW IF EXISTS main.lattice_changes");
    SchemaEvolution.rewriteTriggers(c);
    setLayout(c, 2);
  }

  /** After the {@code numbered} column was added. */
  private static void toThree(Connection c) throws SQLException {
    Sql.exec(c, LatticeSchema.PROVISIONAL);
    setLayout(c, 3);
  }

  private static void setLayout(Connection c, int layout) throws SQLException {
    Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET"
        + " value = excluded.value", layout);
  }
}
