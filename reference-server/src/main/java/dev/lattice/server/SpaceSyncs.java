package dev.lattice.server;

/** Where a space's sync is served from: one protocol responder and one live endpoint per space. */
public interface SpaceSyncs extends AutoCloseable {
  /** The protocol's request handler for the space (dev.lattice.sync.transport.RequestHandler). */
  dev.lattice.sync.transport.RequestHandler handler(String spaceId);

  /** A new live handler for one device's WebSocket in the space (dev.lattice.sync.transport.LiveHandler). */
  dev.lattice.sync.transport.LiveHandler live(String spaceId, String deviceId);

  @Override
  void close();
}
