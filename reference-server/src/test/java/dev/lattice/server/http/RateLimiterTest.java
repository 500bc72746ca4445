package dev.lattice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.RateLimit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves: no sleeping. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(42 * SECOND);

  @Test
  void aBurstIsAllowedThenTheRateRefills() {
    RateLimiter limiter = new RateLimiter(new RateLimit(2, 3), now::get);
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.tryAcquire("device"), "request " + i + " of the burst");
    }
    assertFalse(limiter.tryAcquire("device"));
    assertTrue(limiter.isExhausted("device"));
    assertEquals(1, limiter.retryAfterSeconds("device"));

    now.addAndGet(SECOND / 2); // two a second: one more after half a second
    assertFalse(limiter.isExhausted("device"));
    assertTrue(limiter.tryAcquire("device"));
    assertFalse(limiter.tryAcquire("device"));

    now.addAndGet(60 * SECOND); // never more than the burst, however long the quiet
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.tryAcquire("device"));
    }
    assertFalse(limiter.tryAcquire("device"));
  }

  @Test
  void keysHaveTheirOwnBudgetsAndAnUnknownKeyIsNotExhausted() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), now::get);
    assertTrue(limiter.tryAcquire("a"));
    assertFalse(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("b"));
    assertFalse(limiter.isExhausted("never seen"));
  }

  @Test
  void retryAfterSaysWhenATokenIsBack() {
    RateLimiter limiter = new RateLimiter(new RateLimit(0.1, 1), now::get); // one every ten seconds
    assertTrue(limiter.tryAcquire("slow"));
    assertEquals(10, limiter.retryAfterSeconds("slow"));
    now.addAndGet(7 * SECOND);
    assertEquals(3, limiter.retryAfterSeconds("slow"));
  }

  @Test
  void fullBucketsAreForgottenOnceThereAreMany() {
    RateLimiter limiter = new RateLimiter(new RateLimit(100, 1), now::get);
    for (int i = 0; i <= 10_000; i++) {
      limiter.tryAcquire("client-" + i);
    }
    assertEquals(10_001, limiter.size());
    now.addAndGet(2 * SECOND); // every bucket has filled up again
    limiter.tryAcquire("one more");
    assertEquals(1, limiter.size(), "full buckets are like new ones: forgetting them loses nothing");
  }
}
