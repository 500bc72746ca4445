package dev.lattice.driver.capture;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams the cell versions a peer lacks: for every site, in site-id order (a "pass"), the current versions whose
 * sequence number is above the peer's entry for that site, in sequence order. Superseded versions are gone from
 * metadata, so a peer may see gaps in a site's sequence; the versions that replaced them come in their own site's pass.
 *
 * <p>The unit of the stream is an <em>entry</em>: one row version (the row cell and every column of a live row, each
 * column with its own version, so that a row starting a new life always arrives whole) or one column version newer than
 * its row, or one site's contribution to a counter cell. A column version or contribution whose row version the peer
 * also lacks already travelled with the row and is skipped. For a counter column the stream carries one change per
 * contributing site, whose value is that site's contribution (the cell's value is their sum).
 *
 * <p>Walks {@code lattice_rows} and {@code lattice_cols} through their (site, seq) indexes and reads each row's values
 * from the application's table by key: memory stays bounded by one row.
 */
final class ChangeReader implements ChangeStream {
  /** Entries of one site's pass: row versions (kind 0), column versions (1), counter contributions (2). */
  private static final String VERSIONS = "SELECT tbl, pk, -1, seq, hlc, cl, site, seq, 0, NULL FROM lattice_rows"
      + " WHERE site = ?1 AND seq > ?2"
      + " UNION ALL SELECT o.tbl, o.pk, o.col, o.seq, o.hlc, r.cl, r.site, r.seq, 1, NULL"
      + " FROM lattice_cols o JOIN lattice_rows r ON r.tbl = o.tbl AND r.pk = o.pk"
      + " WHERE o.site = ?1 AND o.seq > ?2 AND r.cl % 2 = 1"
      + " UNION ALL SELECT k.tbl, k.pk, k.col, k.seq, k.hlc, r.cl, r.site, r.seq, 2, k.total"
      + " FROM lattice_counters k JOIN lattice_rows r ON r.tbl = k.tbl AND r.pk = k.pk"
      + " WHERE k.site = ?1 AND k.seq > ?2 AND r.cl % 2 = 1"
      + " ORDER BY 4, 1, 2, 9, 3";

  private final Connection c;
  private final boolean ownTransaction;
  private final Map<Integer, TrackedTables.Registered> tables;
  private final Map<Integer, PreparedStatement> rowLookups = new HashMap<>();
  private final PreparedStatement overriddenLookup;
  private final PreparedStatement contributionsLookup;
  private final ArrayDeque<Map.Entry<Integer, SiteId>> sites = new ArrayDeque<>();
  private final Map<Integer, SiteId> siteByOrdinal = new HashMap<>();
  private final VersionVector peer;
  private final ArrayDeque<Change> ready = new ArrayDeque<>();
  private PreparedStatement versions;
  private ResultSet cursor;
  private SiteId site;
  private long passSeq;
  private boolean closed;

  ChangeReader(Connection c, VersionVector peer) throws SQLException {
    this.c = c;
    this.peer = peer;
    this.ownTransaction = Transactions.beginRead(c); // one snapshot for the whole stream
    try {
      this.tables = TrackedTables.all(c);
      TreeMap<SiteId, Integer> bySite = new TreeMap<>();
      try (PreparedStatement p = c.prepareStatement("SELECT ord, site_id FROM lattice_sites");
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          bySite.put(SiteId.of(r.getBytes(2)), r.getInt(1));
        }
      }
      bySite.forEach((id, ord) -> {
        sites.add(Map.entry(ord, id));
        siteByOrdinal.put(ord, id);
      });
      this.overriddenLookup = c.prepareStatement("SELECT col, site, seq, hlc FROM lattice_cols WHERE tbl = ? AND"
          + " pk = ?");
      this.contributionsLookup = c.prepareStatement("SELECT col, site, total, seq, hlc FROM lattice_counters"
          + " WHERE tbl = ? AND pk = ? ORDER BY col, site");
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public Change next() throws SQLException {
    while (ready.isEmpty()) {
      if (!readEntry()) {
        return null;
      }
    }
    return ready.poll();
  }

  /** The cells of the next entry, or null at the end; never splits an entry. Do not mix with {@link #next()}. */
  List<Change> nextEntry() throws SQLException {
    while (ready.isEmpty()) {
      if (!readEntry()) {
        return null;
      }
    }
    List<Change> entry = new ArrayList<>(ready);
    ready.clear();
    return entry;
  }

  /**
   * Every cell of one row as it is now: its row cell and, while it is alive, every column and counter contribution;
   * empty when the row is unknown. Do not mix with streaming.
   */
  List<Change> row(int tbl, Object pk) throws SQLException {
    TrackedTables.Registered table = tables.get(tbl);
    if (table == null) {
      return List.of();
    }
    try (PreparedStatement p = c.prepareStatement("SELECT seq, hlc, cl, site FROM lattice_rows WHERE tbl = ? AND"
        + " pk = ?")) {
      p.setInt(1, tbl);
      p.setObject(2, pk);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return List.of();
        }
        site = siteByOrdinal.get(r.getInt(4));
        expand(tbl, pk, -1, r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getLong(1));
      }
    }
    List<Change> cells = new ArrayList<>(ready);
    ready.clear();
    return cells;
  }

  /** The site whose pass the last entry belongs to; every site ordered before it has been streamed completely. */
  SiteId passSite() {
    return site;
  }

  /** The sequence number of the last entry: the current pass is complete up to it. */
  long passSeq() {
    return passSeq;
  }

  private boolean readEntry() throws SQLException {
    if (closed) {
      return false;
    }
    while (cursor == null || !cursor.next()) {
      if (!openNextSite()) {
        return false;
      }
    }
    passSeq = cursor.getLong(4);
    int kind = cursor.getInt(9);
    if (kind == 2) {
      expandContribution(cursor.getInt(1), Sql.normalize(cursor.getObject(2)), cursor.getInt(3), cursor.getLong(4),
          cursor.getLong(5), cursor.getLong(6), cursor.getInt(7), cursor.getLong(8), Sql.normalize(cursor.getObject(10)));
    } else {
      expand(cursor.getInt(1), Sql.normalize(cursor.getObject(2)), cursor.getInt(3), cursor.getLong(4),
          cursor.getLong(5), cursor.getLong(6), cursor.getInt(7), cursor.getLong(8));
    }
    return true;
  }

  private boolean openNextSite() throws SQLException {
    closeCursor();
    Map.Entry<Integer, SiteId> next = sites.poll();
    if (next == null) {
      return false;
    }
    site = next.getValue();
    if (versions == null) { // one statement for every pass: a space of hundreds of devices has hundreds of sites
      versions = c.prepareStatement(VERSIONS);
    }
    versions.setInt(1, next.getKey());
    versions.setLong(2, peer.get(site));
    cursor = versions.executeQuery();
    return true;
  }

  /** Turns one metadata entry into the cells it versions. */
  private void expand(int tbl, Object pk, int col, long seq, long hlc, long cl, int rowSite, long rowSeq)
      throws SQLException {
    TableShape shape = tables.get(tbl).shape();
    if (col >= 0) {
      if (peer.get(siteByOrdinal.get(rowSite)) < rowSeq) {
        return; // the peer lacks this row's version too: this column travelled with the row
      }
      Object[] values = rowValues(tbl, shape, pk);
      if (values != null) {
        ready.add(new Change(shape.name(), pk, shape.columns().get(col), values[col], site, seq, hlc, cl));
      }
      return;
    }
    ready.add(new Change(shape.name(), pk, null, null, site, seq, hlc, cl));
    if ((cl & 1) == 0 || shape.columns().isEmpty()) {
      return;
    }
    Object[] values = rowValues(tbl, shape, pk);
    if (values == null) {
      return; // the row is gone without a delete being captured: only its existence cell is known
    }
    Change[] columns = new Change[values.length];
    overriddenLookup.setInt(1, tbl);
    overriddenLookup.setObject(2, pk);
    try (ResultSet r = overriddenLookup.executeQuery()) {
      while (r.next()) {
        int i = r.getInt(1);
        if (i < columns.length) {
          columns[i] = new Change(shape.name(), pk, shape.columns().get(i), values[i],
              siteByOrdinal.get(r.getInt(2)), r.getLong(3), r.getLong(4), cl);
        }
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (!shape.isCounter(i)) {
        ready.add(columns[i] != null ? columns[i]
            : new Change(shape.name(), pk, shape.columns().get(i), values[i], site, seq, hlc, cl));
      }
    }
    if (!shape.counters().isEmpty()) {
      contributionsLookup.setInt(1, tbl);
      contributionsLookup.setObject(2, pk);
      try (ResultSet r = contributionsLookup.executeQuery()) {
        while (r.next()) {
          ready.add(new Change(shape.name(), pk, shape.columns().get(r.getInt(1)), Sql.normalize(r.getObject(3)),
              siteByOrdinal.get(r.getInt(2)), r.getLong(4), r.getLong(5), cl));
        }
      }
    }
  }

  /** One site's contribution to a counter cell; its value is the contribution, not the cell's value. */
  private void expandContribution(int tbl, Object pk, int col, long seq, long hlc, long cl, int rowSite, long rowSeq,
      Object total) {
    if (peer.get(siteByOrdinal.get(rowSite)) < rowSeq) {
      return; // travelled with its row
    }
    ready.add(new Change(tables.get(tbl).shape().name(), pk, tables.get(tbl).shape().columns().get(col), total, site,
        seq, hlc, cl));
  }

  private Object[] rowValues(int tbl, TableShape shape, Object pk) throws SQLException {
    PreparedStatement lookup = rowLookups.get(tbl);
    if (lookup == null) {
      lookup = c.prepareStatement(RowLookup.sql(shape));
      rowLookups.put(tbl, lookup);
    }
    return RowLookup.values(lookup, shape, pk);
  }

  private void closeCursor() throws SQLException {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    ready.clear();
    try {
      closeCursor();
      if (versions != null) {
        versions.close();
      }
      for (PreparedStatement p : rowLookups.values()) {
        p.close();
      }
      if (overriddenLookup != null) {
        overriddenLookup.close();
      }
      if (contributionsLookup != null) {
        contributionsLookup.close();
      }
    } finally {
      if (ownTransaction) {
        Sql.exec(c, "COMMIT");
      }
    }
  }
}
