package dev.lattice.sync.wire;

import java.util.List;

/**
 * Asks for the next batch of what the asker lacks, given its vector now; answered by {@link Changes} of at most
 * {@code maxCells} cells in a message of at most {@code maxBytes}.
 */
public record Pull(List<VectorEntry> vector, int maxCells, int maxBytes) implements Message {
  public Pull {
    vector = Check.list(vector, "vector");
    Check.notNegative(maxCells, "maxCells");
    Check.notNegative(maxBytes, "maxBytes");
  }
}
