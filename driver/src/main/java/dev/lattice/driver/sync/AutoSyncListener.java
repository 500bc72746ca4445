package dev.lattice.driver.sync;

import dev.lattice.driver.Renumbering;
import java.util.List;

/**
 * Hears a database's background sync ({@code lattice.sync=auto}) as it happens, for an application that shows sync
 * state or refreshes its views when other devices' changes arrive. Registered per database file with
 * {@link AutoSync#addListener}, before or after its first connection opens, and kept across restarts of the sync.
 *
 * <p>Called on the sync's own threads (a sync that cannot start reports its error on the thread opening the
 * connection): hand work over to the application's threads and return quickly. A listener that throws is logged and
 * ignored; the sync goes on.
 */
public interface AutoSyncListener {
  /** The status changed: its state, progress, pending local writes, unresolved conflicts or last error. */
  default void statusChanged(AutoSyncStatus status) {}

  /** Changes from other devices were stored ({@code cells} cell versions won): what the application shows is stale. */
  default void changesApplied(long cells) {}

  /**
   * Changes from other devices recorded {@code conflicts} concurrent edits (in {@code lattice_conflicts}), as the batch
   * that brought them was stored; {@link AutoSyncStatus#unresolvedConflicts()} counts those not yet settled.
   */
  default void conflictsRecorded(long conflicts) {}

  /**
   * Rows inserted here into numbered tables were numbered for sync: each moved, with the rows referencing it, from the
   * number SQLite gave it to the one it has on every device. Ids the application holds for them changed.
   */
  default void rowsRenumbered(List<Renumbering> moves) {}
}
