package dev.lattice.sync.transport;

import java.util.Objects;

/**
 * A transport to a responder in the same process: the bytes go straight to its handler. Used by tests, benchmarks
 * and syncs between two database files on one machine; the messages are encoded and decoded exactly as on a network.
 */
public final class InMemoryTransport implements Transport {
  private final RequestHandler peer;

  public InMemoryTransport(RequestHandler peer) {
    this.peer = Objects.requireNonNull(peer, "peer");
  }

  @Override
  public byte[] exchange(byte[] request) {
    return peer.handle(request.clone()); // the peer must not see the asker's buffer change under it
  }

  @Override
  public String toString() {
    return "in-process peer";
  }
}
