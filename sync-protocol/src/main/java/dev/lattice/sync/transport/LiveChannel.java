package dev.lattice.sync.transport;

import java.io.IOException;

/**
 * One open two-way message stream between two peers (a WebSocket): the live half of the protocol, where either side
 * sends whenever it has something. Messages arrive whole and in order; {@link #send} is safe to call from several
 * threads.
 */
public interface LiveChannel extends AutoCloseable {
  /** Sends one encoded message. @throws IOException if the channel is closed or broken */
  void send(byte[] message) throws IOException;

  /** Whether the channel is still open. */
  boolean isOpen();

  /** Closes the channel; the peer's handler sees it closed. Idempotent. */
  @Override
  void close();
}
