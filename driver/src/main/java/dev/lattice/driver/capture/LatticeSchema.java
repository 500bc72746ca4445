package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code lattice_*} tables Lattice keeps inside the application's database, created on first use.
 *
 * <p>Layout (see docs/architecture.md for the reasons):
 *
 * <ul>
 *   <li>{@code lattice_meta}: key/value facts about this replica, its site id first of all.
 *   <li>{@code lattice_sites}: site ids and the small integers that stand for them in metadata; ordinal 0 is this
 *       replica.
 *   <li>{@code lattice_tables}: tables Lattice tracks or has tracked; {@code lattice_columns}: their key columns in
 *       key order and their value columns in bit order.
 *   <li>{@code lattice_log}: the capture log. Triggers append one row per row operation; its integer key is this
 *       replica's sequence number, so sequence numbers are contiguous and roll back with their transaction.
 *   <li>{@code lattice_rows}: the folded clock of every row (causal length and the version of its last insert or
 *       delete); {@code lattice_cols}: column versions newer than their row's version.
 *   <li>{@code lattice_counters}: for counter columns, each site's contribution to the value in the row's current
 *       life, versioned by that site's sequence number.
 *   <li>{@code lattice_clock}: the highest clock received from peers, so local stamps stay ahead of it.
 *   <li>{@code lattice_applying}: non-empty only while a merge writes application tables, so triggers skip capture.
 *   <li>{@code lattice_vv}: the highest sequence number held from each other site.
 *   <li>{@code lattice_conflict_log} (view {@code lattice_conflicts}): losing versions of concurrent edits.
 *   <li>{@code lattice_stable}: the stable point, made when a replica first learns one ({@link Compaction}).
 *   <li>{@code lattice_provisional}: rows of numbered tables inserted here and not yet given a number for sync
 *       ({@link Numbering}).
 * </ul>
 */
public final class LatticeSchema {
  /**
   * Version of this layout, kept in {@code lattice_meta}: a file written by an earlier one is upgraded in place
   * ({@link LayoutUpgrade}), one written by a later one refused. Every change to Lattice's tables, columns, indexes
   * or the meaning of their values takes the next number.
   */
  static final int VERSION = 3;

  /** Ordinal of this replica's own site in {@code lattice_sites} and in metadata. */
  static final int LOCAL_SITE = 0;

  /** Log operations. */
  static final int OP_FOLDED = 0;
  static final int OP_INSERT = 1;
  static final int OP_DELETE = 2;
  static final int OP_UPDATE = 3;

  static final String COUNTERS = "CREATE TABLE IF NOT EXISTS lattice_counters(tbl INTEGER NOT NULL, pk NOT NULL,"
      + " col INTEGER NOT NULL, site INTEGER NOT NULL, total NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
      + " PRIMARY KEY (tbl, pk, col, site)) WITHOUT ROWID";
  static final String COUNTERS_BY_VERSION =
      "CREATE INDEX IF NOT EXISTS lattice_counters_by_version ON lattice_counters(site, seq)";

  /**
   * Rows of numbered tables inserted here since they were last settled: {@code known} says whether the number had
   * metadata (a life other replicas may know of) when the first of those inserts was captured.
   */
  static final String PROVISIONAL = "CREATE TABLE IF NOT EXISTS lattice_provisional(tbl INTEGER NOT NULL,"
      + " num INTEGER NOT NULL, known INTEGER NOT NULL, PRIMARY KEY (tbl, num)) WITHOUT ROWID";

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS lattice_meta(key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS lattice_sites(ord INTEGER PRIMARY KEY, site_id BLOB NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS lattice_tables(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        + " tracked INTEGER NOT NULL DEFAULT 1, numbered INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS lattice_columns(tbl INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('key',"
        + " 'value')), position INTEGER NOT NULL, name TEXT NOT NULL, counter INTEGER NOT NULL DEFAULT 0,"
        + " PRIMARY KEY (tbl, role, position)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS lattice_log(seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, pk NOT NULL,"
        + " op INTEGER NOT NULL, cols INTEGER, hlc INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS lattice_rows(tbl INTEGER NOT NULL, pk NOT NULL, cl INTEGER NOT NULL,"
        + " site INTEGER NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS lattice_rows_by_version ON lattice_rows(site, seq)",
    "CREATE TABLE IF NOT EXISTS lattice_cols(tbl INTEGER NOT NULL, pk NOT NULL, col INTEGER NOT NULL,"
        + " site INTEGER NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, PRIMARY KEY (tbl, pk, col))"
        + " WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS lattice_cols_by_version ON lattice_cols(site, seq)",
    COUNTERS,
    COUNTERS_BY_VERSION,
    PROVISIONAL,
    "CREATE TABLE IF NOT EXISTS lattice_clock(id INTEGER PRIMARY KEY CHECK (id = 1), hlc INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO lattice_clock(id, hlc) VALUES (1, 0)",
    "CREATE TABLE IF NOT EXISTS lattice_applying(x)",
    "CREATE TABLE IF NOT EXISTS lattice_vv(site INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS lattice_conflict_log(id INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, pk NOT NULL,"
        + " col INTEGER NOT NULL, winner_value, winner_site BLOB NOT NULL, winner_seq INTEGER NOT NULL,"
        + " winner_hlc INTEGER NOT NULL, loser_value, loser_site BLOB NOT NULL, loser_seq INTEGER NOT NULL,"
        + " loser_hlc INTEGER NOT NULL, cl INTEGER NOT NULL, detected_at INTEGER NOT NULL)",
    "CREATE VIEW IF NOT EXISTS lattice_conflicts(id, table_name, pk, column_name, winning_value, winning_site_id,"
        + " winning_seq, winning_hlc, losing_value, losing_site_id, losing_seq, losing_hlc, cl, detected_at) AS"
        + " SELECT k.id, t.name, k.pk, c.name, k.winner_value, k.winner_site, k.winner_seq, k.winner_hlc,"
        + " k.loser_value, k.loser_site, k.loser_seq, k.loser_hlc, k.cl,"
        + " strftime('%Y-%m-%dT%H:%M:%fZ', k.detected_at / 1000.0, 'unixepoch')"
        + " FROM lattice_conflict_log k JOIN lattice_tables t ON t.id = k.tbl"
        + " JOIN lattice_columns c ON c.tbl = k.tbl AND c.role = 'value' AND c.position = k.col",
    "CREATE VIEW IF NOT EXISTS lattice_version_vector(site_id, seq) AS"
        + " SELECT (SELECT site_id FROM lattice_sites WHERE ord = 0), max(seq) FROM lattice_log"
        + " HAVING max(seq) IS NOT NULL"
        + " UNION ALL SELECT s.site_id, v.seq FROM lattice_vv v JOIN lattice_sites s ON s.ord = v.site",
  };

  private LatticeSchema() {}

  /** True if this database already holds Lattice's tables. */
  static boolean exists(Connection c) throws SQLException {
    return Sql.one(c, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'lattice_meta'") != null;
  }

  /**
   * True if this connection's copy of the schema holds Lattice's tables. It prepares a statement and runs nothing, so
   * it opens no transaction and pins no snapshot; a table another connection created since this one last ran a
   * statement is not seen yet.
   */
  static boolean knownTo(Connection c) {
    try (PreparedStatement probe = c.prepareStatement("SELECT 1 FROM main.lattice_meta")) {
      return true;
    } catch (SQLException noSuchTable) {
      return false;
    }
  }

  /**
   * Creates Lattice's tables and this replica's site id if they are missing; a no-op otherwise. Must run inside the
   * caller's write transaction so that two connections racing to initialise a file agree on one site id.
   */
  static void ensure(Connection c) throws SQLException {
    if (exists(c)) {
      LayoutUpgrade.refuseNewer(c);
      return;
    }
    for (String ddl : DDL) {
      Sql.exec(c, ddl);
    }
    Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES ('schema_version', ?)", VERSION);
    SiteId site = SiteId.random(new SecureRandom());
    Sql.update(c, "INSERT INTO lattice_meta(key, value) VALUES ('site_id', ?)", site.bytes());
    Sql.update(c, "INSERT INTO lattice_sites(ord, site_id) VALUES (?, ?)", LOCAL_SITE, site.bytes());
  }

  /** The layout version stored in this database; 0 if Lattice was never enabled on it. */
  static int layout(Connection c) throws SQLException {
    if (!exists(c)) {
      return 0;
    }
    Object version = Sql.one(c, "SELECT value FROM lattice_meta WHERE key = 'schema_version'");
    return version == null ? 1 : ((Number) version).intValue();
  }

  /** This replica's site id, or null if Lattice was never enabled on this database. */
  static SiteId siteId(Connection c) throws SQLException {
    if (!exists(c)) {
      return null;
    }
    Object bytes = Sql.one(c, "SELECT value FROM lattice_meta WHERE key = 'site_id'");
    return bytes == null ? null : SiteId.of((byte[]) bytes);
  }
}
