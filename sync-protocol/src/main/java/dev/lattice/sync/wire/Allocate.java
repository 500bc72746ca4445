package dev.lattice.sync.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks the space's number source (the relay, or the device that hosts its peers) for numbers for rows inserted into
 * numbered tables, before the asker sends anything of them; answered by {@link Allocated}. Also sent with a count of
 * zero to tell the source the highest number a table holds, so that it never hands out one a replica had before the
 * table was numbered.
 *
 * @param asks one per counter, at most {@link #MAX_ASKS}, no counter twice
 */
public record Allocate(List<Ask> asks) implements Message {
  /** More counters than any tracked schema numbers. */
  public static final int MAX_ASKS = 1_000;
  /** Numbers one ask may take: far more rows than a device inserts between two syncs. */
  public static final int MAX_COUNT = 1 << 24;
  /** A counter id's longest form: a MAC is 32 bytes, a plain table name longer only for odd names. */
  public static final int MAX_COUNTER_BYTES = 1_024;

  public Allocate {
    asks = Check.list(asks, "asks");
    if (asks.size() > MAX_ASKS) {
      throw new IllegalArgumentException("asks has " + asks.size() + " entries, more than " + MAX_ASKS);
    }
    Set<ByteBuffer> seen = new HashSet<>();
    for (Ask ask : asks) {
      if (!seen.add(ByteBuffer.wrap(ask.counter()))) {
        throw new IllegalArgumentException("asks names one counter twice");
      }
    }
  }

  /**
   * Numbers for one counter.
   *
   * @param counter which counter: opaque to the source (a MAC of the table's name in an encrypted space)
   * @param highest the highest number the asker holds settled in the table, 0 if none: the counter rises to it
   * @param count how many numbers, 0 to only report {@code highest}
   */
  public record Ask(byte[] counter, long highest, int count) {
    public Ask {
      Check.present(counter, "counter");
      if (counter.length == 0 || counter.length > MAX_COUNTER_BYTES) {
        throw new IllegalArgumentException("counter must be 1 to " + MAX_COUNTER_BYTES + " bytes, was "
            + counter.length);
      }
      Check.notNegative(highest, "highest");
      Check.notNegative(count, "count");
      if (count > MAX_COUNT) {
        throw new IllegalArgumentException("count must be at most " + MAX_COUNT + ", was " + count);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ask a && Arrays.equals(counter, a.counter) && highest == a.highest && count == a.count;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.hashCode(counter) + Long.hashCode(highest)) + count;
    }

    @Override
    public String toString() {
      return "Ask[" + counter.length + " B, highest " + highest + ", count " + count + "]";
    }
  }
}
