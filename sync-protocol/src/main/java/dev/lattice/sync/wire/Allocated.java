package dev.lattice.sync.wire;

import java.util.List;

/**
 * The answer to {@link Allocate}: for each ask, in its order, the first of its numbers. The source handed out
 * {@code first} to {@code first + count - 1} to this asker alone, all above the ask's {@code highest} and above every
 * number it handed out before for that counter.
 *
 * @param first one positive number per ask
 */
public record Allocated(List<Long> first) implements Message {
  public Allocated {
    first = Check.list(first, "first");
    for (int i = 0; i < first.size(); i++) {
      if (first.get(i) < 1) {
        throw new IllegalArgumentException("first[" + i + "] must be positive, was " + first.get(i));
      }
    }
  }
}
