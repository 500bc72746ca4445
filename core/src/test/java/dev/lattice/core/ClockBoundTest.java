package dev.lattice.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockBoundTest {
  @Test
  void aStampUpToTheDriftAheadIsAcceptedAndOneMillisecondMoreIsNot() {
    long now = 1_700_000_000_000L;
    long drift = ClockBound.DEFAULT_MAX_DRIFT.toMillis();
    assertFalse(ClockBound.tooFarAhead(Hlc.ofMillis(now + drift) + 65_535, now, drift), "the counter does not count");
    assertTrue(ClockBound.tooFarAhead(Hlc.ofMillis(now + drift + 1), now, drift));
    assertFalse(ClockBound.tooFarAhead(Hlc.ofMillis(now - 86_400_000L), now, drift), "behind is never refused");
  }
}
