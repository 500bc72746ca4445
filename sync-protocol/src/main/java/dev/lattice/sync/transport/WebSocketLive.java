package dev.lattice.sync.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of a peer's live endpoint ({@link Endpoints#LIVE}): opens a WebSocket to {@code ws://host:port/lattice/live}
 * with the JDK's {@code java.net.http.WebSocket}.
 *
 * <p>The handler's calls come from the JDK's threads, one at a time, in order: {@code onOpen}, messages, then
 * {@code onClose} exactly once, whichever way the connection ends (the peer closed, this side closed, or it failed).
 * A message over the limit, or a text message, closes the connection with 1008 and a reason.
 */
public final class WebSocketLive {
  /** Extra time for the JDK to report its own handshake timeout before this class gives up on it. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private WebSocketLive() {}

  /**
   * Opens a live channel to the peer at {@code base}.
   *
   * @param base the peer's http(s) base address, as for {@link HttpTransport}
   * @param handler receives the channel's events; if this method throws, it is not called (but for a handshake that
   *     completes just as the timeout runs out: then it gets {@code onOpen} followed at once by {@code onClose})
   * @param timeout for the opening handshake, and for the peer to answer a close
   * @param maxMessageBytes the largest message accepted from the peer, usually
   *     {@link Endpoints#DEFAULT_MAX_MESSAGE_BYTES}
   * @throws IOException if the peer is unreachable, refuses the connection, or does not answer within the timeout
   */
  public static LiveChannel connect(URI base, LiveHandler handler, Duration timeout, int maxMessageBytes)
      throws IOException {
    return connect(base, handler, timeout, maxMessageBytes, null);
  }

  /**
   * As {@link #connect(URI, LiveHandler, Duration, int)}, to a server that wants {@code bearerToken} in the opening
   * request's Authorization header (null for none).
   */
  public static LiveChannel connect(URI base, LiveHandler handler, Duration timeout, int maxMessageBytes,
      String bearerToken) throws IOException {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
    }
    URI uri = Endpoints.live(base);
    ClientLiveChannel channel = new ClientLiveChannel(uri, timeout, handler);
    WebSocket.Builder builder = Client.INSTANCE.newWebSocketBuilder().connectTimeout(timeout);
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    CompletableFuture<WebSocket> opening = builder.buildAsync(uri, new ClientListener(channel, maxMessageBytes));
    try {
      channel.attach(opening.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS));
      return channel;
    } catch (ExecutionException e) {
      Throwable cause = PeerFailures.unwrap(e);
      if (cause instanceof WebSocketHandshakeException) {
        var response = ((WebSocketHandshakeException) cause).getResponse();
        PeerRefusal refusal = PeerRefusal.of(response.statusCode(), response.headers(), "peer " + base
            + " refused a live connection at " + uri + ": HTTP " + response.statusCode());
        refusal.initCause(cause);
        throw refusal;
      }
      throw PeerFailures.describe(cause, base, timeout);
    } catch (TimeoutException e) {
      giveUp(opening, channel, "did not open within " + PeerFailures.format(timeout));
      throw PeerFailures.describe(new HttpTimeoutException("timed out"), base, timeout);
    } catch (InterruptedException e) {
      giveUp(opening, channel, "interrupted while opening");
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting to " + uri);
    }
  }

  private static void giveUp(CompletableFuture<WebSocket> opening, ClientLiveChannel channel, String reason) {
    opening.cancel(true);
    // Should the handshake still finish, the channel aborts the connection, and the handler hears nothing more.
    channel.abort(reason);
  }

  /** One client for all live connections: each connection is its own socket anyway, and the client's threads idle. */
  private static final class Client {
    static final HttpClient INSTANCE = HttpClient.newBuilder().build();
  }
}
