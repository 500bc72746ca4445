package dev.lattice.server.http;

/** A request refused with 429 because its device or address is over its rate; says when to come back. */
final class RateLimited extends RuntimeException {
  private final long retryAfterSeconds;

  RateLimited(String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
