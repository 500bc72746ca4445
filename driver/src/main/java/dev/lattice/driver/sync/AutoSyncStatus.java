package dev.lattice.driver.sync;

import java.time.Instant;

/**
 * Where a database's background sync stands: what {@code SELECT * FROM lattice_sync} shows.
 *
 * @param state the state, in a user's words by {@link AutoSyncState#words()}
 * @param description one line saying it all ("offline (retrying at 12:03:04): ...")
 * @param progressPercent while syncing, how far (0-100); else null
 * @param lastSyncedAt when a sync last completed in this process, or null
 * @param retryAt while offline, when the next attempt is; else null
 * @param pendingLocalWrites local writes the server is not known to hold yet
 * @param unresolvedConflicts concurrent edits recorded and not yet settled
 * @param lastError the last failure's message, or null
 */
public record AutoSyncStatus(AutoSyncState state, String description, Integer progressPercent, Instant lastSyncedAt,
    Instant retryAt, long pendingLocalWrites, long unresolvedConflicts, String lastError) {
  /** A sync that could not start, and why. */
  public static AutoSyncStatus failed(String error) {
    return new AutoSyncStatus(AutoSyncState.ERROR, "error: " + error, null, null, null, 0, 0, error);
  }
}
