package dev.lattice.sync;

import dev.lattice.driver.Renumbering;
import java.util.List;

/** Hears what a {@link SyncClient} does, on the client's own threads: hand work over to the application's. */
public interface SyncListener {
  /** The client's status changed. */
  default void statusChanged(SyncStatus status) {}

  /** Changes from the peer were stored ({@code cells} cell versions won): views of the database may be stale. */
  default void remoteChangesApplied(long cells) {}

  /**
   * Changes from the peer recorded {@code conflicts} concurrent edits (in {@code lattice_conflicts}), as the batch that
   * brought them was stored; {@link SyncStatus#unresolvedConflicts()} counts those not yet settled.
   */
  default void conflictsRecorded(long conflicts) {}

  /**
   * Rows this device inserted into numbered tables were numbered for sync: each moved, with the rows referencing it,
   * from the number SQLite gave it here to the one it has on every device. Ids the application holds for them changed.
   */
  default void rowsRenumbered(List<Renumbering> moves) {}
}
