package dev.lattice.sync.wire;

import java.util.List;

/** Opens the live phase on a WebSocket: send me what I lack from this vector on, and everything new as it commits. */
public record Subscribe(List<VectorEntry> vector) implements Message {
  public Subscribe {
    vector = Check.list(vector, "vector");
  }
}
