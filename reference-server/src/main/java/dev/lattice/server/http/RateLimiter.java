package dev.lattice.server.http;

import dev.lattice.server.config.RateLimit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link TokenBucket} per key (a device, a client address), made on first use. Buckets that have filled up again
 * are forgotten now and then, so that memory follows the clients active in the last moments rather than all clients
 * ever seen: a full bucket behaves exactly like a new one.
 */
final class RateLimiter implements RateBudgets {
  /** Past this many buckets, full ones are swept (at most once a second). */
  private static final int SWEEP_ABOVE = 10_000;
  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  private final RateLimit limit;
  private final LongSupplier nanoTime;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep;

  RateLimiter(RateLimit limit, LongSupplier nanoTime) {
    this.limit = limit;
    this.nanoTime = nanoTime;
    this.lastSweep = new AtomicLong(nanoTime.getAsLong());
  }

  @Override
  public boolean tryAcquire(String key) {
    long now = nanoTime.getAsLong();
    sweepIfLarge(now);
    return buckets.computeIfAbsent(key, k -> new TokenBucket(limit, now)).tryTake(now);
  }

  @Override
  public boolean isExhausted(String key) {
    TokenBucket bucket = buckets.get(key);
    return bucket != null && bucket.isEmpty(nanoTime.getAsLong());
  }

  @Override
  public long retryAfterSeconds(String key) {
    TokenBucket bucket = buckets.get(key);
    return bucket == null ? 1 : bucket.secondsUntilToken(nanoTime.getAsLong());
  }

  int size() {
    return buckets.size();
  }

  private void sweepIfLarge(long now) {
    long last = lastSweep.get();
    if (buckets.size() > SWEEP_ABOVE && now - last >= SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
      // A request racing the sweep may land in a bucket just dropped: one request more, never one refused wrongly.
      buckets.values().removeIf(bucket -> bucket.isFull(now));
    }
  }
}
