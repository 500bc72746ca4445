package dev.lattice.server;

/** Where a space's sync is served from: one protocol responder and one live endpoint per space. */
public interface SpaceSyncs extends AutoCloseable {
  /** The protocol's request handler for the space (dev.lattice.sync.transport.RequestHandler). */
  dev.lattice.sync.transport.RequestHandler handler(String spaceId);

  /**
   * The protocol's request handler for one authenticated device of the space: a relay remembers what each device
   * holds, to find the vector every device holds (the stable point, below which tombstones are dropped).
   */
  default dev.lattice.sync.transport.RequestHandler handler(String spaceId, String deviceId) {
    return handler(spaceId);
  }

  /**
   * Tells these syncs who each space's active devices are; the server calls it once, when its accounts are open, and
   * before serving. Syncs that do not care ignore it (the default); a relay finds stable points over these devices
   * only, and without it over every device that ever said hello.
   */
  default void knowMembers(SpaceMembers members) {}

  /** A new live handler for one device's WebSocket in the space (dev.lattice.sync.transport.LiveHandler). */
  dev.lattice.sync.transport.LiveHandler live(String spaceId, String deviceId);

  /**
   * Whether the storage the spaces are served from answers now, for {@code /health}; quick (a couple of seconds at
   * most). Syncs without storage of their own are always reachable.
   */
  default boolean isReachable() {
    return true;
  }

  /**
   * How many changes (cells: row versions, column versions, counter contributions) these syncs stored since they
   * started, for {@code /metrics}: a count, never their content.
   */
  default long changesStored() {
    return 0;
  }

  @Override
  void close();
}
