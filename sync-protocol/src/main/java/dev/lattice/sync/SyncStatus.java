package dev.lattice.sync;

import dev.lattice.sync.session.SyncProgress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Where a {@link SyncClient} stands, for an application to show: a new instance on every change.
 *
 * @param state what the client is doing
 * @param progress the running sync's progress while {@link State#CATCHING_UP}, else null
 * @param error why the last attempt failed, while {@link State#OFFLINE} or {@link State#ERROR}; else null
 * @param lastSyncedAt when a sync last completed, or null if none has
 * @param pendingLocalWrites local writes the peer is not known to hold yet (an upper bound, from version vectors)
 * @param retryAt when the client tries again, while it waits after a failure; else null
 * @param unresolvedConflicts concurrent edits recorded and not yet settled ({@code lattice_resolve}), as last counted
 */
public record SyncStatus(State state, SyncProgress progress, SyncException error, Instant lastSyncedAt,
    long pendingLocalWrites, Instant retryAt, long unresolvedConflicts) {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

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
    /** The peer could not be reached or the connection dropped; the client retries on its own at {@code retryAt}. */
    OFFLINE,
    /**
     * A failure: retrying cannot fix it (a wrong passphrase, a schema or protocol mismatch, a revoked device) unless
     * {@code retryAt} is set; see the error, whose message says what to do.
     */
    ERROR
  }

  /** As before conflicts and retry times were reported. */
  public SyncStatus(State state, SyncProgress progress, SyncException error, Instant lastSyncedAt,
      long pendingLocalWrites) {
    this(state, progress, error, lastSyncedAt, pendingLocalWrites, null, 0);
  }

  /**
   * The state in a user's words: "offline (retrying at 12:03:04)", "syncing (40%)", "up to date", "up to date, 2
   * conflicts waiting", "error: ...".
   */
  public String describe() {
    String conflicts = unresolvedConflicts == 0 ? "" : ", " + unresolvedConflicts + " conflict"
        + (unresolvedConflicts == 1 ? "" : "s") + " waiting";
    String retry = retryAt == null ? "" : " (retrying at " + TIME.format(retryAt) + ")";
    return switch (state) {
      case STOPPED -> "stopped" + conflicts;
      case CONNECTING -> "connecting" + conflicts;
      case CATCHING_UP -> "syncing" + (progress == null ? "" : " (" + (progress.workTotal() <= 0 ? 0
          : Math.min(100, progress.workDone() * 100 / progress.workTotal())) + "%)") + conflicts;
      case LIVE -> "up to date" + conflicts;
      case OFFLINE -> "offline" + retry + (error == null ? "" : ": " + error.getMessage()) + conflicts;
      case ERROR -> "error" + retry + (error == null ? "" : " [" + error.code() + "]: " + error.getMessage())
          + conflicts;
    };
  }

  SyncStatus with(State newState, SyncProgress newProgress, SyncException newError) {
    return new SyncStatus(newState, newProgress, newError, lastSyncedAt, pendingLocalWrites, null,
        unresolvedConflicts);
  }

  SyncStatus retryingAt(Instant at) {
    return new SyncStatus(state, progress, error, lastSyncedAt, pendingLocalWrites, at, unresolvedConflicts);
  }

  SyncStatus synced(Instant at, long pending) {
    return new SyncStatus(state, progress, null, at, pending, retryAt, unresolvedConflicts);
  }

  SyncStatus pending(long pending) {
    return new SyncStatus(state, progress, error, lastSyncedAt, pending, retryAt, unresolvedConflicts);
  }

  SyncStatus conflicts(long unresolved) {
    return new SyncStatus(state, progress, error, lastSyncedAt, pendingLocalWrites, retryAt, unresolved);
  }
}
