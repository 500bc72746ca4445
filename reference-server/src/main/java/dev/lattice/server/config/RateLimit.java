package dev.lattice.server.config;

/**
 * A token bucket's shape: up to {@code burst} requests at once, refilled at {@code perSecond} requests a second.
 *
 * @param perSecond the sustained rate, positive
 * @param burst how many requests may come at once after a quiet spell, at least 1
 */
public record RateLimit(double perSecond, int burst) {
  public RateLimit {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("a rate must be a positive number of requests a second, was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("a burst must be at least 1 request, was " + burst);
    }
  }

  public RateLimit withPerSecond(double perSecond) {
    return new RateLimit(perSecond, burst);
  }

  public RateLimit withBurst(int burst) {
    return new RateLimit(perSecond, burst);
  }
}
