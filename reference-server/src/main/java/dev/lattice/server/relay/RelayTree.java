package dev.lattice.server.relay;

import dev.lattice.merkle.CellId;
import dev.lattice.merkle.ItemVersion;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A space's reconciliation tree, built from metadata alone and kept in memory: the same items a device's tree holds
 * for the same state (a row cell; while the row is alive, every column; a counter as one cell over its contributions),
 * with the ids devices compute under the space's key, which the relay receives and never computes. Items are tagged
 * with their row's id.
 */
final class RelayTree {
  private final MerkleTree<ByteBuffer> tree = new MerkleTree<>();

  /** Builds the tree of {@code space} from the relay tables. */
  static RelayTree build(Connection c, String space) throws SQLException {
    RelayTree t = new RelayTree();
    try (PreparedStatement p = c.prepareStatement("SELECT row FROM relay_rows WHERE space = ?")) {
      p.setString(1, space);
      RelayTables tables = new RelayTables(c, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          t.put(tables.wholeRow(r.getBytes(1)));
        }
      }
    }
    return t;
  }

  MerkleTree<ByteBuffer> tree() {
    return tree;
  }

  /** Replaces the items of a row: {@code before} is its state before a merge, {@code after} its state now. */
  void replace(List<Envelope> before, List<Envelope> after) {
    for (Envelope e : before) {
      tree.remove(CellId.of(e.cell()));
    }
    put(after);
  }

  /** Adds the items of one row's whole state (as {@link RelayTables#wholeRow} gives it). */
  private void put(List<Envelope> row) {
    if (row.isEmpty()) {
      return;
    }
    ByteBuffer tag = ByteBuffer.wrap(row.get(0).row());
    Map<ByteBuffer, List<ItemVersion.Contribution>> counters = new LinkedHashMap<>();
    long cl = row.get(0).cl();
    for (Envelope e : row) {
      if (e.kind() == Envelope.CONTRIBUTION) {
        counters.computeIfAbsent(ByteBuffer.wrap(e.cell()), k -> new ArrayList<>())
            .add(new ItemVersion.Contribution(e.site(), e.seq(), e.hlc()));
      } else {
        tree.put(CellId.of(e.cell()), ItemVersion.of(e.cl(), e.hlc(), e.site(), e.seq()), tag);
      }
    }
    counters.forEach((cell, contributions) ->
        tree.put(CellId.of(cell.array()), ItemVersion.ofContributions(cl, contributions), tag));
  }
}
