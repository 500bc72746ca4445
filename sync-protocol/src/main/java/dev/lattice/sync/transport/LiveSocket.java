package dev.lattice.sync.transport;

/**
 * A {@link LiveChannel} over a WebSocket, which can also be closed with a status code (RFC 6455 section 7.4): the
 * transports close with a specific code when they refuse what the peer sent.
 */
public interface LiveSocket extends LiveChannel {
  int NORMAL = 1000;
  int GOING_AWAY = 1001;
  int POLICY_VIOLATION = 1008;
  int MESSAGE_TOO_BIG = 1009;
  int INTERNAL_ERROR = 1011;

  /** Starts closing with {@code statusCode} and a short {@code reason} (at most 123 UTF-8 bytes). Idempotent. */
  void close(int statusCode, String reason);

  @Override
  default void close() {
    close(NORMAL, "closed");
  }
}
