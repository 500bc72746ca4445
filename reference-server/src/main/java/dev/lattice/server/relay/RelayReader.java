package dev.lattice.server.relay;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a peer lacks, cut into one batch, exactly as a device's reader cuts it: for every site in site-id order (a
 * pass), the versions above the peer's entry in sequence order, each entry whole (a row version with every cell of
 * its row; or one column version or contribution newer than its row, skipped when the peer lacks the row's version
 * too, since it then travels with the row). The batch covers the passes it finished up to the relay's vector and the
 * current pass up to its last entry, so the peer asks again with its new vector and resumes there.
 */
final class RelayReader {
  private static final String ENTRIES = "SELECT 0, row, seq, row, site, seq FROM relay_rows"
      + " WHERE space = ? AND site = ? AND seq > ?"
      + " UNION ALL SELECT 1, c.cell, c.seq, c.row, r.site, r.seq FROM relay_cells c JOIN relay_rows r"
      + " ON r.space = c.space AND r.row = c.row WHERE c.space = ? AND c.site = ? AND c.seq > ? AND r.cl % 2 = 1"
      + " ORDER BY 3, 1, 2";

  private RelayReader() {}

  static Changes next(Connection c, RelayTables tables, String space, List<VectorEntry> vector,
      List<VectorEntry> peer, int maxCells) throws SQLException {
    Map<ByteBuffer, Long> peerSeq = index(peer);
    TreeMap<byte[], Long> offered = new TreeMap<>(Arrays::compareUnsigned);
    for (VectorEntry e : vector) {
      offered.put(e.site(), e.seq());
    }
    List<Envelope> batch = new ArrayList<>();
    for (byte[] site : sites(c, space, offered)) {
      long from = peerSeq.getOrDefault(ByteBuffer.wrap(site), 0L);
      try (PreparedStatement p = c.prepareStatement(ENTRIES)) {
        for (int at = 0; at < 6; at += 3) { // the same three values for each half of the union
          p.setString(at + 1, space);
          p.setBytes(at + 2, site);
          p.setLong(at + 3, from);
        }
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            long seq = r.getLong(3);
            if (seq > offered.getOrDefault(site, 0L)) {
              break; // held but not vouched for (see progress): the rest of the pass waits for a vector that counts it
            }
            if (r.getInt(1) == 0) {
              batch.addAll(tables.wholeRow(r.getBytes(2)));
            } else if (peerSeq.getOrDefault(ByteBuffer.wrap(r.getBytes(5)), 0L) >= r.getLong(6)) {
              addCellsOf(tables, r.getBytes(4), r.getBytes(2), site, seq, batch);
            }
            if (batch.size() >= maxCells) {
              return new Changes(vector, progress(offered, site, seq), batch, true);
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
  private static List<byte[]> sites(Connection c, String space, TreeMap<byte[], Long> offered) throws SQLException {
    TreeMap<byte[], Boolean> sites = new TreeMap<>(Arrays::compareUnsigned);
    offered.keySet().forEach(s -> sites.put(s, true));
    try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT site FROM relay_rows WHERE space = ? UNION"
        + " SELECT DISTINCT site FROM relay_cells WHERE space = ?")) {
      p.setString(1, space);
      p.setString(2, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          sites.put(r.getBytes(1), true);
        }
      }
    }
    return new ArrayList<>(sites.keySet());
  }

  /**
   * Sites before the current pass are covered up to the relay's vector; the current one up to its last entry. A pass
   * stops at the relay's own entry for its site: versions above it came inside other rows or from a reconciliation,
   * and covering them would vouch for versions of that site in between that the relay never received.
   */
  private static List<VectorEntry> progress(TreeMap<byte[], Long> offered, byte[] passSite, long passSeq) {
    List<VectorEntry> covers = new ArrayList<>();
    offered.headMap(passSite, false).forEach((site, seq) -> covers.add(new VectorEntry(site, seq)));
    covers.add(new VectorEntry(passSite, passSeq));
    return covers;
  }

  private static Map<ByteBuffer, Long> index(List<VectorEntry> vector) {
    Map<ByteBuffer, Long> out = new HashMap<>();
    for (VectorEntry e : vector) {
      out.merge(ByteBuffer.wrap(e.site()), e.seq(), Math::max);
    }
    return out;
  }
}
