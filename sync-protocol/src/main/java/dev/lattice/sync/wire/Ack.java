package dev.lattice.sync.wire;

import java.util.List;

/**
 * The answer to pushed {@link Changes}, sent only once they are durably stored.
 *
 * @param vector the receiver's version vector after storing them
 * @param root the receiver's tree root after storing them
 * @param applied how many cell versions won and were stored (the others were already held or superseded)
 */
public record Ack(List<VectorEntry> vector, TreeRoot root, long applied) implements Message {
  public Ack {
    vector = Check.list(vector, "vector");
    Check.present(root, "root");
    Check.notNegative(applied, "applied");
  }
}
