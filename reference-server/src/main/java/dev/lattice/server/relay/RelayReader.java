package dev.lattice.server.relay;

import dev.lattice.core.BatchCut;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a peer lacks, cut into one batch as {@link BatchCut} says, from the relay tables: for every site in site-id
 * order, the versions above the peer's entry in sequence order, each entry whole (a row version with every cell of its
 * row; or one column version or contribution newer than its row, skipped when the peer lacks the row's version too,
 * since it then travels with the row).
 */
final class RelayReader {
  private static final String ENTRIES = "SELECT 0, row, seq, row, site, seq FROM relay_rows"
      + " WHERE space = ? AND site = ? AND seq > ?"
      + " UNION ALL SELECT 1, c.cell, c.seq, c.row, r.site, r.seq FROM relay_cells c JOIN relay_rows r"
      + " ON r.space = c.space AND r.row = c.row WHERE c.space = ? AND c.site = ? AND c.seq > ? AND r.cl % 2 = 1"
      + " ORDER BY 3, 1, 2";

  private RelayReader() {}

  static Changes next(Connection c, RelayTables tables, Function<ByteBuffer, List<Envelope>> recentRow, String space,
      List<VectorEntry> vector, List<VectorEntry> peer, int maxCells) throws SQLException {
    VersionVector peerHolds = VectorEntry.vector(peer);
    BatchCut cut = new BatchCut(VectorEntry.vector(vector), maxCells);
    List<Envelope> batch = new ArrayList<>();
    // One statement for every pass: a space of hundreds of devices has hundreds of sites.
    try (PreparedStatement p = c.prepareStatement(ENTRIES)) {
      for (SiteId passSite : sites(c, space, cut.offered())) {
        byte[] site = passSite.bytes();
        long from = peerHolds.get(passSite);
        for (int at = 0; at < 6; at += 3) { // the same three values for each half of the union
          p.setString(at + 1, space);
          p.setBytes(at + 2, site);
          p.setLong(at + 3, from);
        }
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            long seq = r.getLong(3);
            if (!cut.vouchesFor(passSite, seq)) {
              break; // entries come in sequence order: the rest of the pass is not vouched for either
            }
            int before = batch.size();
            if (r.getInt(1) == 0) {
              byte[] row = r.getBytes(2);
              List<Envelope> recent = recentRow.apply(ByteBuffer.wrap(row));
              batch.addAll(recent != null ? recent : tables.wholeRow(row));
            } else if (peerHolds.covers(SiteId.of(r.getBytes(5)), r.getLong(6))) {
              addCellsOf(tables, r.getBytes(4), r.getBytes(2), site, seq, batch);
            }
            if (cut.add(batch.size() - before)) {
              return new Changes(vector, VectorEntry.list(cut.coversUpTo(passSite, seq)), batch, true);
            }
          }
        }
      }
    }
    return new Changes(vector, vector, batch, false);
  }

  /** The versions of {@code cell} written by {@code site} at {@code seq}: a column, or one contribution. */
  private static void addCellsOf(RelayTables tables, byte[] row, byte[] cell, byte[] site, long seq,
      List<Envelope> batch) throws SQLException {
    for (Envelope e : tables.cells(row)) {
      if (Arrays.equals(e.cell(), cell) && e.seq() == seq && Arrays.equals(e.site(), site)) {
        batch.add(e);
      }
    }
  }

  /** Every site the space holds versions of or has a vector entry for, in site-id order. */
  private static SortedSet<SiteId> sites(Connection c, String space, VersionVector offered) throws SQLException {
    SortedSet<SiteId> sites = new TreeSet<>(offered.entries().keySet());
    try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT site FROM relay_rows WHERE space = ? UNION"
        + " SELECT DISTINCT site FROM relay_cells WHERE space = ?")) {
      p.setString(1, space);
      p.setString(2, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          sites.add(SiteId.of(r.getBytes(1)));
        }
      }
    }
    return sites;
  }
}
