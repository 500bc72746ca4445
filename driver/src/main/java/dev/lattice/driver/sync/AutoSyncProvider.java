package dev.lattice.driver.sync;

import java.nio.file.Path;

/**
 * What runs a database's background sync: the driver knows no network, so {@code lattice-sync-protocol} implements
 * this, found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.lattice.driver.sync.AutoSyncProvider}).
 */
public interface AutoSyncProvider {
  /**
   * Starts syncing {@code database} in the background with the space it joined, and returns at once; failures to start
   * (not joined, no passphrase) are reported by the session's status, not thrown, so that the application keeps
   * working on its local data.
   *
   * @param passphrase the space's passphrase, or null when none was found (the status then says how to give one); the
   *     provider may keep it only as long as the session runs
   * @param events told of the session's status changes, applied changes and recorded conflicts (the application's
   *     {@link AutoSyncListener}s), including the error status of a session that could not start
   */
  AutoSyncSession start(Path database, char[] passphrase, AutoSyncListener events);
}
