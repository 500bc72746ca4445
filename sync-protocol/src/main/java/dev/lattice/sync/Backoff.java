package dev.lattice.sync;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Pauses between attempts after failures: exponential with full jitter (a pause drawn uniformly between zero and
 * {@code min * 2^failures}, capped at {@code max}). Jitter over the whole range, not a few percent around the
 * exponential, is what spreads devices out again: after a server restart every device failed at the same moment, and
 * with equal pauses they would all come back at the same moment, again and again. A pause the peer asked for
 * ({@code Retry-After}) is a floor.
 */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.min = min;
    this.max = max;
    this.random = random;
  }

  /** The pause after one more failure; at least {@code retryAfter} when the peer gave one. */
  Duration next(Optional<Duration> retryAfter) {
    long ceiling = ceilingMillis(failures);
    failures = Math.min(failures + 1, 62);
    Duration drawn = Duration.ofMillis(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    return retryAfter.filter(r -> r.compareTo(drawn) > 0).orElse(drawn);
  }

  /** After a success: the next failure starts from {@code min} again. */
  void reset() {
    failures = 0;
  }

  /** The largest pause after {@code failures} earlier failures: {@code min * 2^failures}, at most {@code max}. */
  long ceilingMillis(int failures) {
    long ceiling = min.toMillis();
    for (int i = 0; i < failures && ceiling < max.toMillis(); i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, max.toMillis());
  }
}
