package dev.lattice.driver;

import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * A copy of a replica's reconciliation tree, for one reconciliation session: it does not change while the session
 * runs, however the replica does. Items name rows; {@link #rowsOf} reads those rows as they are now, whole, ready to
 * send.
 */
public interface TreeSnapshot {
  /** The tree as it was when the snapshot was taken; items are tagged with opaque row references. */
  MerkleTree<?> tree();

  /**
   * The current cells of every row that one of {@code items} (items of {@link #tree()}) belongs to: each row whole,
   * once, so that a batch of them can be applied by a peer. Rows deleted since carry their tombstone.
   */
  List<Change> rowsOf(Collection<? extends Item<?>> items) throws SQLException;
}
