package dev.lattice.server.http;

import dev.lattice.server.config.RateLimit;

/**
 * One token bucket: holds up to {@code burst} tokens, refills at {@code perSecond}, and each request takes one. Time
 * comes from the caller (nanoseconds, monotonic) so that tests need not sleep.
 */
final class TokenBucket {
  private final double capacity;
  private final double tokensPerNano;
  // Guarded by this.
  private double tokens;
  private long refilledAt;

  TokenBucket(RateLimit limit, long now) {
    this.capacity = limit.burst();
    this.tokensPerNano = limit.perSecond() / 1e9;
    this.tokens = capacity;
    this.refilledAt = now;
  }

  /** Takes a token if there is one. */
  synchronized boolean tryTake(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Whether a request now would be refused, without taking anything. */
  synchronized boolean isEmpty(long now) {
    refill(now);
    return tokens < 1;
  }

  /** Whether the bucket is as a new one would be: forgetting it loses nothing. */
  synchronized boolean isFull(long now) {
    refill(now);
    return tokens >= capacity;
  }

  /** Whole seconds until a token is there, at least 1: for {@code Retry-After}. */
  synchronized long secondsUntilToken(long now) {
    refill(now);
    double missing = Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing / tokensPerNano / 1e9));
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
      refilledAt = now;
    }
  }
}
