package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, and Retry-After as a floor. */
class BackoffTest {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(3);

  @Test
  void pausesAreDrawnBetweenZeroAndADoublingCeiling_cappedAtMax() {
    Backoff backoff = new Backoff(MIN, MAX, new Random(7));
    long[] ceilings = {100, 200, 400, 800, 1600, 3000, 3000, 3000};
    for (int failures = 0; failures < ceilings.length; failures++) {
      assertEquals(ceilings[failures], backoff.ceilingMillis(failures));
    }
    for (int round = 0; round < 200; round++) {
      Backoff b = new Backoff(MIN, MAX, new Random(round));
      for (long ceiling : ceilings) {
        long pause = b.next(Optional.empty()).toMillis();
        assertTrue(pause >= 0 && pause <= ceiling, pause + " within [0, " + ceiling + "]");
      }
    }
  }

  @Test
  void devicesThatFailedTogetherComeBackApart() {
    // A server restart: 100 devices fail at the same moment, three times over. With full jitter their third pauses
    // spread over [0, 400 ms]; with equal pauses they would all return in the same millisecond.
    Set<Long> third = new HashSet<>();
    Random seeds = new Random(1);
    for (int device = 0; device < 100; device++) {
      Backoff b = new Backoff(MIN, MAX, new Random(seeds.nextLong()));
      b.next(Optional.empty());
      b.next(Optional.empty());
      third.add(b.next(Optional.empty()).toMillis());
    }
    assertTrue(third.size() > 60, "distinct pauses: " + third.size());
  }

  @Test
  void retryAfterIsAFloor_andSuccessStartsOver() {
    Backoff b = new Backoff(MIN, MAX, new Random(3));
    assertEquals(Duration.ofSeconds(30), b.next(Optional.of(Duration.ofSeconds(30))), "beyond max, as asked");
    for (int i = 0; i < 10; i++) {
      b.next(Optional.empty());
    }
    b.reset();
    assertTrue(b.next(Optional.empty()).toMillis() <= 100, "after a success the first pause is short again");
  }
}
