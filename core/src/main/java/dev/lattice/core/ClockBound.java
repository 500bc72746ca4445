package dev.lattice.core;

import java.time.Duration;

/**
 * How far ahead of the receiver's wall clock a write may be stamped. A device with a broken clock must not drag every
 * replica's clock forward (a clock stamped years ahead would win every later conflict), so a batch carrying such a
 * stamp is refused whole, by devices and by the relay alike.
 */
public final class ClockBound {
  /** The drift allowed unless a replica is configured otherwise: five minutes. */
  public static final Duration DEFAULT_MAX_DRIFT = Duration.ofMinutes(5);

  private ClockBound() {}

  /**
   * How many milliseconds {@code hlc} is stamped beyond the allowed drift ahead of {@code nowMillis}; 0 or less when
   * it is within it.
   */
  public static long excess(long hlc, long nowMillis, long maxDriftMillis) {
    return Hlc.millis(hlc) - nowMillis - maxDriftMillis;
  }

  /** Whether {@code hlc} is stamped further ahead of {@code nowMillis} than {@code maxDriftMillis} allows. */
  public static boolean tooFarAhead(long hlc, long nowMillis, long maxDriftMillis) {
    return excess(hlc, nowMillis, maxDriftMillis) > 0;
  }
}
