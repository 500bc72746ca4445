package dev.lattice.server.http;

/**
 * Rate budgets by key (a device, a client address): a token bucket each. {@link RateLimiter} keeps them in this
 * instance's memory; {@link SharedRateLimiter} in the PostgreSQL database the instances share, so that N instances do
 * not give a client N budgets.
 */
interface RateBudgets {
  /** Takes one request from {@code key}'s budget; false if it has none left. */
  boolean tryAcquire(String key);

  /** Whether {@code key} has no budget left now; takes nothing. */
  boolean isExhausted(String key);

  /** Seconds until {@code key} may make a request again, at least 1. */
  long retryAfterSeconds(String key);
}
