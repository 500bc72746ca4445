package dev.lattice.sync.transport;

import java.io.IOException;

/**
 * Carries one encoded request to a responder and brings back its encoded reply: the request/response half of the
 * protocol (hello, pull, push, reconcile). Implementations carry bytes and nothing else; the session encodes, decodes
 * and counts them. A transport may be used by one session at a time.
 */
public interface Transport extends AutoCloseable {
  /**
   * Sends {@code request} and returns the reply.
   *
   * @throws IOException if the reply cannot be had: the peer is unreachable, the connection dropped, the peer answered
   *     with a transport-level error. The request may or may not have reached the peer; the protocol makes a retry
   *     harmless.
   */
  byte[] exchange(byte[] request) throws IOException;

  /** Releases what the transport holds; the default holds nothing. */
  @Override
  default void close() {}
}
