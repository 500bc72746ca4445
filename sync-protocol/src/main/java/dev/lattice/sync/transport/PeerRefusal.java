package dev.lattice.sync.transport;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/**
 * The peer answered, with an HTTP status that refuses the request: unlike a connection that failed, the status says
 * whether trying again can help ({@link Kind}), and a 429 or 503 may say when ({@code Retry-After}).
 */
public final class PeerRefusal extends IOException {
  private static final long serialVersionUID = 1L;

  /** What the status means for the device. */
  public enum Kind {
    /** 401: the server does not know the token (the space or device was removed, or the token is wrong). */
    UNAUTHORIZED,
    /** 403: the device was revoked, or may not do this. */
    FORBIDDEN,
    /** 429: too many requests; wait as Retry-After says. */
    RATE_LIMITED,
    /** 503: the server cannot serve now (storage down, stopping); wait as Retry-After says, if it does. */
    UNAVAILABLE,
    /** Any other status. */
    OTHER;

    static Kind of(int status) {
      return switch (status) {
        case 401 -> UNAUTHORIZED;
        case 403 -> FORBIDDEN;
        case 429 -> RATE_LIMITED;
        case 503 -> UNAVAILABLE;
        default -> OTHER;
      };
    }
  }

  /** Beyond this, a Retry-After is taken as a mistake and capped: a device must not go quiet for a day. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final int status;
  private final transient Duration retryAfter;

  PeerRefusal(int status, Duration retryAfter, String message) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** A refusal with {@code status}, reading {@code Retry-After} (seconds; an HTTP date is ignored) from {@code headers}. */
  static PeerRefusal of(int status, HttpHeaders headers, String message) {
    Duration after = headers.firstValue("Retry-After").flatMap(PeerRefusal::seconds).orElse(null);
    return new PeerRefusal(status, after, message);
  }

  private static Optional<Duration> seconds(String value) {
    try {
      long s = Long.parseLong(value.strip());
      return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(s, MAX_RETRY_AFTER.toSeconds())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public int status() {
    return status;
  }

  public Kind kind() {
    return Kind.of(status);
  }

  /** How long the peer asked the device to wait before trying again, if it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
