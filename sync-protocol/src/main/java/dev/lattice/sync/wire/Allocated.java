package dev.lattice.sync.wire;

import java.util.Arrays;
import java.util.List;

/**
 * The answer to {@link Allocate}: for each ask, in its order, the first of its numbers. The source handed out
 * {@code first} to {@code first + count - 1} to this asker alone, all above the ask's {@code highest} and above every
 * number it handed out before for that counter.
 *
 * @param first one positive number per ask
 * @param source the source's site id, 16 bytes: an asker numbers through one source only
 */
public record Allocated(List<Long> first, byte[] source) implements Message {
  public Allocated {
    first = Check.list(first, "first");
    Check.bytes(source, 16, "source");
    for (int i = 0; i < first.size(); i++) {
      if (first.get(i) < 1) {
        throw new IllegalArgumentException("first[" + i + "] must be positive, was " + first.get(i));
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Allocated a && first.equals(a.first) && Arrays.equals(source, a.source);
  }

  @Override
  public int hashCode() {
    return 31 * first.hashCode() + Arrays.hashCode(source);
  }

  @Override
  public String toString() {
    return "Allocated[first=" + first + "]";
  }
}
