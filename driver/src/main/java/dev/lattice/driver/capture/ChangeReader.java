package dev.lattice.driver.capture;

import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.SiteId;
import dev.lattice.driver.VersionVector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams the cell versions a peer lacks: for every site, the current versions whose sequence number is above the
 * peer's entry for that site. Superseded versions are gone from metadata, so a peer may see gaps in a site's sequence;
 * the versions that replaced them are sent under their own site.
 *
 * <p>Walks {@code lattice_rows} and {@code lattice_cols} through their (site, seq) indexes and reads each row's values
 * from the application's table by key: memory stays bounded by one row.
 */
final class ChangeReader implements ChangeStream {
  private static final String VERSIONS = "SELECT tbl, pk, -1, seq, hlc, cl FROM lattice_rows WHERE site = ?1 AND"
      + " seq > ?2 UNION ALL SELECT o.tbl, o.pk, o.col, o.seq, o.hlc, r.cl FROM lattice_cols o JOIN lattice_rows r"
      + " ON r.tbl = o.tbl AND r.pk = o.pk WHERE o.site = ?1 AND o.seq > ?2 AND r.cl % 2 = 1 ORDER BY 4, 1, 2, 3";

  private final Connection c;
  private final boolean ownTransaction;
  private final Map<Integer, TrackedTables.Registered> tables;
  private final Map<Integer, PreparedStatement> rowLookups = new HashMap<>();
  private final PreparedStatement overriddenLookup;
  private final ArrayDeque<Map.Entry<Integer, SiteId>> sites = new ArrayDeque<>();
  private final VersionVector peer;
  private final ArrayDeque<Change> ready = new ArrayDeque<>();
  private PreparedStatement versions;
  private ResultSet cursor;
  private SiteId site;
  private boolean closed;

  ChangeReader(Connection c, VersionVector peer) throws SQLException {
    this.c = c;
    this.peer = peer;
    this.ownTransaction = c.getAutoCommit();
    if (ownTransaction) {
      Sql.exec(c, "BEGIN"); // one snapshot for the whole stream
    }
    try {
      this.tables = TrackedTables.all(c);
      TreeMap<SiteId, Integer> bySite = new TreeMap<>();
      try (PreparedStatement p = c.prepareStatement("SELECT ord, site_id FROM lattice_sites");
          ResultSet r = p.executeQuery()) {
        while (r.next()) {
          bySite.put(SiteId.of(r.getBytes(2)), r.getInt(1));
        }
      }
      bySite.forEach((id, ord) -> sites.add(Map.entry(ord, id)));
      this.overriddenLookup = c.prepareStatement("SELECT col FROM lattice_cols WHERE tbl = ? AND pk = ?");
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public Change next() throws SQLException {
    while (ready.isEmpty()) {
      if (closed) {
        return null;
      }
      if (cursor == null || !cursor.next()) {
        if (!openNextSite()) {
          return null;
        }
        continue;
      }
      expand(cursor.getInt(1), Sql.normalize(cursor.getObject(2)), cursor.getInt(3), cursor.getLong(4),
          cursor.getLong(5), cursor.getLong(6));
    }
    return ready.poll();
  }

  private boolean openNextSite() throws SQLException {
    closeCursor();
    Map.Entry<Integer, SiteId> next = sites.poll();
    if (next == null) {
      return false;
    }
    site = next.getValue();
    versions = c.prepareStatement(VERSIONS);
    versions.setInt(1, next.getKey());
    versions.setLong(2, peer.get(site));
    cursor = versions.executeQuery();
    return true;
  }

  /** Turns one metadata entry into the cells it versions. */
  private void expand(int tbl, Object pk, int col, long seq, long hlc, long cl) throws SQLException {
    TableShape shape = tables.get(tbl).shape();
    if (col < 0) {
      ready.add(new Change(shape.name(), pk, null, null, site, seq, hlc, cl));
      if ((cl & 1) == 0 || shape.columns().isEmpty()) {
        return;
      }
      Object[] values = rowValues(tbl, shape, pk);
      if (values == null) {
        return; // the row is gone without a delete being captured: only its existence cell is known
      }
      Set<Integer> overridden = overriddenColumns(tbl, pk);
      for (int i = 0; i < values.length; i++) {
        if (!overridden.contains(i)) {
          ready.add(new Change(shape.name(), pk, shape.columns().get(i), values[i], site, seq, hlc, cl));
        }
      }
    } else {
      Object[] values = rowValues(tbl, shape, pk);
      if (values != null) {
        ready.add(new Change(shape.name(), pk, shape.columns().get(col), values[col], site, seq, hlc, cl));
      }
    }
  }

  private Object[] rowValues(int tbl, TableShape shape, Object pk) throws SQLException {
    PreparedStatement lookup = rowLookups.get(tbl);
    if (lookup == null) {
      lookup = c.prepareStatement(rowLookupSql(shape));
      rowLookups.put(tbl, lookup);
    }
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

  private Set<Integer> overriddenColumns(int tbl, Object pk) throws SQLException {
    overriddenLookup.setInt(1, tbl);
    overriddenLookup.setObject(2, pk);
    Set<Integer> columns = new HashSet<>();
    try (ResultSet r = overriddenLookup.executeQuery()) {
      while (r.next()) {
        columns.add(r.getInt(1));
      }
    }
    return columns;
  }

  static String rowLookupSql(TableShape shape) {
    List<String> selected = new ArrayList<>();
    shape.columns().forEach(column -> selected.add(Sql.id(column)));
    List<String> where = new ArrayList<>();
    shape.pkColumns().forEach(column -> where.add(Sql.id(column) + " = ?"));
    return "SELECT " + String.join(", ", selected) + " FROM " + Sql.id(shape.name()) + " WHERE "
        + String.join(" AND ", where);
  }

  private void closeCursor() throws SQLException {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
    if (versions != null) {
      versions.close();
      versions = null;
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
      for (PreparedStatement p : rowLookups.values()) {
        p.close();
      }
      if (overriddenLookup != null) {
        overriddenLookup.close();
      }
    } finally {
      if (ownTransaction) {
        Sql.exec(c, "COMMIT");
      }
    }
  }
}
