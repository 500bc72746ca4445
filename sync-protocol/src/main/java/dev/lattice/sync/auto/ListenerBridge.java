package dev.lattice.sync.auto;

import dev.lattice.driver.Renumbering;
import dev.lattice.driver.sync.AutoSyncListener;
import dev.lattice.driver.sync.AutoSyncStatus;
import dev.lattice.sync.SyncListener;
import dev.lattice.sync.SyncStatus;
import java.util.List;
import java.util.Objects;

/**
 * A {@link dev.lattice.sync.SyncClient}'s events in the driver's terms, for the application's
 * {@link AutoSyncListener}s. The client reports its status after every batch; the driver's status shows progress in
 * whole percent, so a change the application could not see is not passed on.
 */
final class ListenerBridge implements SyncListener {
  private final AutoSyncListener events;
  private AutoSyncStatus last;

  ListenerBridge(AutoSyncListener events) {
    this.events = events;
  }

  @Override
  public void statusChanged(SyncStatus status) {
    AutoSyncStatus next = RunningSync.of(status);
    synchronized (this) { // the client reports from its worker and from the live connection's threads
      if (Objects.equals(next, last)) {
        return;
      }
      last = next;
    }
    events.statusChanged(next);
  }

  @Override
  public void remoteChangesApplied(long cells) {
    events.changesApplied(cells);
  }

  @Override
  public void conflictsRecorded(long conflicts) {
    events.conflictsRecorded(conflicts);
  }

  @Override
  public void rowsRenumbered(List<Renumbering> moves) {
    events.rowsRenumbered(moves);
  }
}
