package dev.lattice.driver.sync;

import dev.lattice.driver.Renumbering;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of one database file, as one listener handed to its sync: registrations come and go while the sync
 * runs, and one listener's failure must neither stop the sync nor keep the others from hearing.
 */
final class Listeners implements AutoSyncListener {
  private static final System.Logger LOG = System.getLogger("dev.lattice.driver.sync");

  private final List<AutoSyncListener> all = new CopyOnWriteArrayList<>();

  void add(AutoSyncListener listener) {
    all.add(listener);
  }

  void remove(AutoSyncListener listener) {
    all.remove(listener);
  }

  @Override
  public void statusChanged(AutoSyncStatus status) {
    each(l -> l.statusChanged(status));
  }

  @Override
  public void changesApplied(long cells) {
    each(l -> l.changesApplied(cells));
  }

  @Override
  public void conflictsRecorded(long conflicts) {
    each(l -> l.conflictsRecorded(conflicts));
  }

  @Override
  public void rowsRenumbered(List<Renumbering> moves) {
    each(l -> l.rowsRenumbered(moves));
  }

  private interface Call {
    void on(AutoSyncListener listener);
  }

  private void each(Call call) {
    for (AutoSyncListener listener : all) {
      try {
        call.on(listener);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a sync listener failed; the sync goes on", e);
      }
    }
  }
}
