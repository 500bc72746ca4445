package dev.lattice.driver.capture;

import dev.lattice.core.CellVersion;
import dev.lattice.core.SiteId;
import dev.lattice.driver.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Lattice's metadata as a merge reads and writes it: row versions ({@code lattice_rows}), column overrides
 * ({@code lattice_cols}), counter contributions ({@code lattice_counters}) and the conflict log. Each statement is
 * prepared on first use and kept while its {@link MergeSession} lasts; site ordinals are given for each batch
 * ({@link #use}), since a batch that failed may have assigned some that its rollback took back.
 */
final class MergeMetadata implements AutoCloseable {
  private enum Statement {
    ROW_VERSION("SELECT cl, site, seq, hlc FROM lattice_rows WHERE tbl = ? AND pk = ?"),
    OVERRIDES("SELECT col, site, seq, hlc FROM lattice_cols WHERE tbl = ? AND pk = ?"),
    PUT_ROW_VERSION("INSERT INTO lattice_rows(tbl, pk, cl, site, seq, hlc) VALUES (?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT(tbl, pk) DO UPDATE SET cl = excluded.cl, site = excluded.site, seq = excluded.seq,"
        + " hlc = excluded.hlc"),
    CLEAR_OVERRIDES("DELETE FROM lattice_cols WHERE tbl = ? AND pk = ?"),
    PUT_OVERRIDE("INSERT INTO lattice_cols(tbl, pk, col, site, seq, hlc) VALUES (?, ?, ?, ?, ?, ?)"),
    CONTRIBUTION("SELECT seq, hlc FROM lattice_counters WHERE tbl = ? AND pk = ? AND col = ? AND site = ?"),
    PUT_CONTRIBUTION("INSERT INTO lattice_counters(tbl, pk, col, site, total, seq, hlc) VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT(tbl, pk, col, site) DO UPDATE SET total = excluded.total, seq = excluded.seq,"
        + " hlc = excluded.hlc"),
    CONTRIBUTION_SUM("SELECT sum(total) FROM lattice_counters WHERE tbl = ? AND pk = ? AND col = ?"),
    CLEAR_CONTRIBUTIONS("DELETE FROM lattice_counters WHERE tbl = ? AND pk = ?"),
    RECORD_CONFLICT("INSERT INTO lattice_conflict_log(tbl, pk, col, winner_value, winner_site, winner_seq,"
        + " winner_hlc, loser_value, loser_site, loser_seq, loser_hlc, cl, detected_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

    final String sql;

    Statement(String sql) {
      this.sql = sql;
    }
  }

  private final Connection c;
  private final Map<Statement, PreparedStatement> prepared = new EnumMap<>(Statement.class);
  private SiteOrdinals sites;

  MergeMetadata(Connection c) {
    this.c = c;
  }

  /** The site ordinals of the batch being merged. */
  void use(SiteOrdinals sites) {
    this.sites = sites;
  }

  /** The row as held, with {@code columns} value columns; overrides are read only for a living row. */
  HeldRow heldRow(int tbl, Object pk, int columns) throws SQLException {
    CellVersion version = null;
    try (ResultSet r = query(Statement.ROW_VERSION, tbl, pk)) {
      if (r.next()) {
        version = new CellVersion(r.getLong(1), r.getLong(4), sites.site(r.getInt(2)), r.getLong(3));
      }
    }
    CellVersion[] overrides = new CellVersion[columns];
    if (version != null && version.alive()) {
      try (ResultSet r = query(Statement.OVERRIDES, tbl, pk)) {
        while (r.next()) {
          int col = r.getInt(1);
          if (col < columns) {
            overrides[col] = new CellVersion(version.cl(), r.getLong(4), sites.site(r.getInt(2)), r.getLong(3));
          }
        }
      }
    }
    return new HeldRow(version, overrides);
  }

  /** The held contribution of {@code site} to a counter column, as a version of the row's life {@code cl}. */
  CellVersion contribution(int tbl, Object pk, int col, long cl, SiteId site) throws SQLException {
    Integer ord = sites.known(site);
    if (ord == null) {
      return null; // nothing of that site is stored at all
    }
    try (ResultSet r = query(Statement.CONTRIBUTION, tbl, pk, col, ord)) {
      return r.next() ? new CellVersion(cl, r.getLong(2), site, r.getLong(1)) : null;
    }
  }

  void putRowVersion(int tbl, Object pk, CellVersion row) throws SQLException {
    update(Statement.PUT_ROW_VERSION, tbl, pk, row.cl(), sites.ordinal(row.site()), row.seq(), row.hlc());
  }

  /** Replaces the row's column overrides with {@code overrides} (null: the column carries the row's version). */
  void replaceOverrides(int tbl, Object pk, boolean heldAny, CellVersion[] overrides) throws SQLException {
    if (heldAny) {
      update(Statement.CLEAR_OVERRIDES, tbl, pk);
    }
    for (int i = 0; i < overrides.length; i++) {
      CellVersion v = overrides[i];
      if (v != null) {
        update(Statement.PUT_OVERRIDE, tbl, pk, i, sites.ordinal(v.site()), v.seq(), v.hlc());
      }
    }
  }

  void putContribution(int tbl, Object pk, int col, Change change) throws SQLException {
    update(Statement.PUT_CONTRIBUTION, tbl, pk, col, sites.ordinal(change.site()),
        change.value() == null ? 0L : change.value(), change.seq(), change.hlc());
  }

  /** A counter column's value: the sum of every site's contribution. */
  Object contributionSum(int tbl, Object pk, int col) throws SQLException {
    try (ResultSet r = query(Statement.CONTRIBUTION_SUM, tbl, pk, col)) {
      r.next();
      return Sql.normalize(r.getObject(1));
    }
  }

  void clearContributions(int tbl, Object pk) throws SQLException {
    update(Statement.CLEAR_CONTRIBUTIONS, tbl, pk);
  }

  void recordConflict(int tbl, Object pk, int col, Object winnerValue, CellVersion winner, Object loserValue,
      CellVersion loser, long cl) throws SQLException {
    update(Statement.RECORD_CONFLICT, tbl, pk, col, winnerValue, winner.site().bytes(), winner.seq(), winner.hlc(),
        loserValue, loser.site().bytes(), loser.seq(), loser.hlc(), cl, System.currentTimeMillis());
  }

  private ResultSet query(Statement statement, Object... args) throws SQLException {
    return bound(statement, args).executeQuery();
  }

  private void update(Statement statement, Object... args) throws SQLException {
    bound(statement, args).executeUpdate();
  }

  private PreparedStatement bound(Statement statement, Object[] args) throws SQLException {
    PreparedStatement p = prepared.get(statement);
    if (p == null) {
      p = c.prepareStatement(statement.sql);
      prepared.put(statement, p);
    }
    Sql.bind(p, 1, args);
    return p;
  }

  @Override
  public void close() throws SQLException {
    Sql.closeAll(prepared.values());
    prepared.clear();
  }
}
