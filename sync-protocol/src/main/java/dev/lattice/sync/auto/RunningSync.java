package dev.lattice.sync.auto;

import dev.lattice.driver.sync.AutoSyncSession;
import dev.lattice.driver.sync.AutoSyncState;
import dev.lattice.driver.sync.AutoSyncStatus;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;

/** A started background sync: the client, its store and key, closed together. Its status in the driver's terms. */
final class RunningSync implements AutoSyncSession {
  private final SyncClient client;
  private final ReplicaStore store;
  private final Encryption encryption;

  RunningSync(SyncClient client, ReplicaStore store, Encryption encryption) {
    this.client = client;
    this.store = store;
    this.encryption = encryption;
  }

  @Override
  public AutoSyncStatus status() {
    return of(client.status());
  }

  /** The client's status as the driver shows it. */
  static AutoSyncStatus of(SyncStatus s) {
    AutoSyncState state = switch (s.state()) {
      case STOPPED -> AutoSyncState.STOPPED;
      case CONNECTING -> AutoSyncState.CONNECTING;
      case CATCHING_UP -> AutoSyncState.SYNCING;
      case LIVE -> s.unresolvedConflicts() > 0 ? AutoSyncState.CONFLICTS_WAITING : AutoSyncState.UP_TO_DATE;
      case OFFLINE -> AutoSyncState.OFFLINE;
      case ERROR -> AutoSyncState.ERROR;
    };
    Integer percent = s.progress() == null || s.progress().workTotal() <= 0 ? null
        : (int) Math.min(100, s.progress().workDone() * 100 / s.progress().workTotal());
    return new AutoSyncStatus(state, s.describe(), percent, s.lastSyncedAt(), s.retryAt(), s.pendingLocalWrites(),
        s.unresolvedConflicts(), s.error() == null ? null : s.error().getMessage());
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      closeQuietly(store);
      encryption.clear();
    }
  }

  static void closeQuietly(ReplicaStore store) {
    try {
      store.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(RunningSync.class).debug("closing the sync's store failed: {}", e.toString());
    }
  }
}
