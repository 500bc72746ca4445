package dev.lattice.server;

import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket to {@code /spaces/{space}/live} for tests: sends and receives protocol messages, and tells how the
 * server closed it. Authenticates with the bearer token on the upgrade request.
 */
final class LiveClient implements AutoCloseable {
  static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** How the server closed the connection. */
  record Closed(int status, String reason) {}

  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private WebSocket socket;

  private LiveClient() {}

  /** Connects; fails (a WebSocketHandshakeException inside) if the server refuses the upgrade. */
  static LiveClient connect(URI base, String spaceId, String token) throws Exception {
    LiveClient client = new LiveClient();
    URI uri = URI.create("ws://" + base.getRawAuthority() + "/spaces/" + spaceId + "/live");
    client.socket = CLIENT.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, client.new Listener())
        .get(10, TimeUnit.SECONDS);
    return client;
  }

  void send(Message message) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(CODEC.encode(message)), true).get(5, TimeUnit.SECONDS);
  }

  /** Sends {@code bytes} as one binary message, whatever they are. */
  void sendBytes(byte[] bytes) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
  }

  /** The next message's bytes, or null if none came within {@code millis}. */
  byte[] nextBytes(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** The next message from the server, waiting up to 10 s. */
  Message next() throws Exception {
    byte[] message = received.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message from the server within 10 s");
    }
    return CODEC.decode(message);
  }

  /** How the server closed the connection, waiting up to 5 s. */
  Closed awaitClose() throws Exception {
    return closed.get(5, TimeUnit.SECONDS);
  }

  boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      parts.writeBytes(bytes);
      if (last) {
        received.add(parts.toByteArray());
        parts.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(-1, String.valueOf(error)));
    }
  }
}
