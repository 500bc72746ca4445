package dev.lattice.sync;

import dev.lattice.sync.session.SyncProgress;
import java.time.Instant;

/**
 * Where a {@link SyncClient} stands, for an application to show: a new instance on every change.
 *
 * @param state what the client is doing
 * @param progress the running sync's progress while {@link State#CATCHING_UP}, else null
 * @param error why the last attempt failed, while {@link State#OFFLINE} or {@link State#ERROR}; else null
 * @param lastSyncedAt when a sync last completed, or null if none has
 * @param pendingLocalWrites local writes the peer is not known to hold yet (an upper bound, from version vectors)
 */
public record SyncStatus(State state, SyncProgress progress, SyncException error, Instant lastSyncedAt,
    long pendingLocalWrites) {
  /** The states of a client. */
  public enum State {
    /** Not started, or stopped. */
    STOPPED,
    /** Opening a sync with the peer. */
    CONNECTING,
    /** Exchanging what each side lacks; see {@link SyncStatus#progress()}. */
    CATCHING_UP,
    /** Caught up, pushing and receiving new changes as they are committed. */
    LIVE,
    /** The peer could not be reached or the connection dropped; the client retries on its own. */
    OFFLINE,
    /** A failure that retrying cannot fix (a wrong passphrase, a schema or protocol mismatch); see the error. */
    ERROR
  }

  SyncStatus with(State newState, SyncProgress newProgress, SyncException newError) {
    return new SyncStatus(newState, newProgress, newError, lastSyncedAt, pendingLocalWrites);
  }

  SyncStatus synced(Instant at, long pending) {
    return new SyncStatus(state, progress, null, at, pending);
  }

  SyncStatus pending(long pending) {
    return new SyncStatus(state, progress, error, lastSyncedAt, pending);
  }
}
