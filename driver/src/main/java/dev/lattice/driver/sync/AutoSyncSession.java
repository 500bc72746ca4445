package dev.lattice.driver.sync;

/** One database's background sync, as an {@link AutoSyncProvider} runs it. */
public interface AutoSyncSession extends AutoCloseable {
  /** Where it stands now. */
  AutoSyncStatus status();

  /** Stops syncing and closes what it opened; waits for the sync's thread to end. Never throws. */
  @Override
  void close();
}
