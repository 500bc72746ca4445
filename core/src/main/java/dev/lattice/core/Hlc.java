package dev.lattice.core;

import java.time.Instant;

/**
 * Hybrid logical clock values, packed into one {@code long}: {@code millis << 16 | counter}.
 *
 * <p>The high 48 bits are wall-clock milliseconds since the epoch, the low 16 a counter that breaks ties inside one
 * millisecond. A new local stamp is {@code max(now << 16, last + 1)}, where {@code last} is the highest stamp this
 * replica has written or received, so a write that causally follows another always has the larger stamp, even if the
 * wall clock stepped back. The counter may carry into the millisecond part when more than 65,536 writes share one
 * millisecond; order is still preserved. Capture triggers compute the same formula in plain SQL (see
 * {@code TriggerSql}), with {@code julianday('now')}, which every SQLite version has.
 *
 * <p>References: Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in Globally Distributed
 * Databases" (2014).
 */
public final class Hlc {
  /** Bits of the logical counter. */
  public static final int COUNTER_BITS = 16;

  private Hlc() {}

  /** The stamp for {@code millis} with counter 0. */
  public static long ofMillis(long millis) {
    return millis << COUNTER_BITS;
  }

  /** The wall-clock part of a stamp. */
  public static long millis(long hlc) {
    return hlc >>> COUNTER_BITS;
  }

  /** The counter part of a stamp. */
  public static int counter(long hlc) {
    return (int) (hlc & ((1 << COUNTER_BITS) - 1));
  }

  /** The stamp as an instant and counter, for people: {@code 2026-11-22T05:40:00.123Z+3}. */
  public static String toString(long hlc) {
    return Instant.ofEpochMilli(millis(hlc)) + "+" + counter(hlc);
  }
}
