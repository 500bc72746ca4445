package dev.lattice.server.relay;

import dev.lattice.merkle.CellId;
import dev.lattice.merkle.ItemVersion;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.TreeRoot;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A space's reconciliation tree, built from metadata alone and kept in memory: the same items a device's tree holds
 * for the same state (a row cell; while the row is alive, every column; a counter as one cell over its contributions),
 * with the ids devices compute under the space's key, which the relay receives and never computes. Items are tagged
 * with their row's id.
 *
 * <p>Changed a row at a time ({@link #replaceRows}: a row's items become those of its state as now stored), so it needs
 * no row's state before a change: it remembers which cells each row holds in it. That lets another instance's commit
 * be followed from the ids of the rows it changed alone.
 *
 * <p>Thread-safe, and never held during I/O: the root is published after every change ({@link #root()} takes no lock)
 * and a reconciliation works on a copy ({@link #copy()}); changes and copies take the tree's monitor for their
 * in-memory work only. Whoever changes it serializes the changes in the order the states they describe were committed
 * (the space's writer lock, {@link RelayStore}).
 */
final class RelayTree {
  private final MerkleTree<ByteBuffer> tree = new MerkleTree<>();
  /** Per row in the tree, the ids of its items other than its row cell; none for a dead row. */
  private final Map<ByteBuffer, CellId[]> cellsOf = new HashMap<>();
  private volatile TreeRoot root = new TreeRoot(0, NodeSummary.EMPTY.digest().bytes());

  /** Builds the tree of {@code space} from the relay tables, as {@code c} shows them. */
  static RelayTree build(Connection c, String space) throws SQLException {
    RelayTree t = new RelayTree();
    try (PreparedStatement p = c.prepareStatement("SELECT row FROM relay_rows WHERE space = ?");
        RelayTables tables = new RelayTables(c, space)) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          t.put(tables.wholeRow(r.getBytes(1)));
        }
      }
    }
    t.publish();
    return t;
  }

  /** The root as of the last change: taken without a lock. */
  TreeRoot root() {
    return root;
  }

  /** An independent copy, for a reconciliation that spans requests while the tree keeps changing. */
  synchronized MerkleTree<ByteBuffer> copy() {
    return tree.copy();
  }

  /** Items, for tests. */
  synchronized long size() {
    return tree.size();
  }

  /**
   * Replaces the items of each row by those of its state now ({@link RelayTables#wholeRow}; empty: the row is gone),
   * then publishes the root.
   */
  synchronized void replaceRows(Map<ByteBuffer, List<Envelope>> rows) {
    for (Map.Entry<ByteBuffer, List<Envelope>> row : rows.entrySet()) {
      remove(row.getKey().array());
      put(row.getValue());
    }
    publish();
  }

  private void remove(byte[] row) {
    tree.remove(CellId.of(row));
    CellId[] cells = cellsOf.remove(ByteBuffer.wrap(row));
    if (cells != null) {
      for (CellId cell : cells) {
        tree.remove(cell);
      }
    }
  }

  /** Adds the items of one row's whole state (as {@link RelayTables#wholeRow} gives it). */
  private void put(List<Envelope> row) {
    if (row.isEmpty()) {
      return;
    }
    ByteBuffer tag = ByteBuffer.wrap(row.get(0).row());
    Map<ByteBuffer, List<ItemVersion.Contribution>> counters = new LinkedHashMap<>();
    List<CellId> cells = new ArrayList<>();
    long cl = row.get(0).cl();
    for (Envelope e : row) {
      if (e.kind() == Envelope.CONTRIBUTION) {
        counters.computeIfAbsent(ByteBuffer.wrap(e.cell()), k -> new ArrayList<>())
            .add(new ItemVersion.Contribution(e.site(), e.seq(), e.hlc()));
      } else {
        CellId id = CellId.of(e.cell());
        tree.put(id, ItemVersion.of(e.cl(), e.hlc(), e.site(), e.seq()), tag);
        if (e.kind() != Envelope.ROW) {
          cells.add(id);
        }
      }
    }
    counters.forEach((cell, contributions) -> {
      CellId id = CellId.of(cell.array());
      tree.put(id, ItemVersion.ofContributions(cl, contributions), tag);
      cells.add(id);
    });
    if (!cells.isEmpty()) {
      cellsOf.put(tag, cells.toArray(new CellId[0]));
    }
  }

  private void publish() {
    NodeSummary r = tree.root();
    root = new TreeRoot(r.count(), r.digest().bytes());
  }
}
