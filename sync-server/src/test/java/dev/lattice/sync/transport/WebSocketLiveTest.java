package dev.lattice.sync.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.serving.PeerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WebSocketLive} against the live endpoint of a real {@link PeerServer} on loopback. */
@Timeout(30)
class WebSocketLiveTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX = Endpoints.DEFAULT_MAX_MESSAGE_BYTES;

  /** The server-side handlers, one per connection, in the order connections came. */
  private final BlockingQueue<RecordingLiveHandler> serverSide = new LinkedBlockingQueue<>();
  private PeerServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI serve(PeerServer.Options options, Supplier<RecordingLiveHandler> handlers) throws IOException {
    server = PeerServer.start(options, request -> request, () -> {
      RecordingLiveHandler handler = handlers.get();
      serverSide.add(handler);
      return handler;
    });
    return server.uri();
  }

  private RecordingLiveHandler nextServerSide() throws InterruptedException {
    RecordingLiveHandler handler = serverSide.poll(10, TimeUnit.SECONDS);
    assertTrue(handler != null, "no connection reached the server");
    return handler;
  }

  /** Message {@code seq} of {@code sender}: its numbers, then a pattern of varying length that only it could make. */
  private static byte[] numbered(int sender, int seq) {
    byte[] message = new byte[8 + (seq * 37 + sender * 11) % 3000];
    ByteBuffer.wrap(message).putInt(sender).putInt(seq);
    for (int i = 8; i < message.length; i++) {
      message[i] = (byte) (sender * 31 + seq + i);
    }
    return message;
  }

  private static Runnable sendNumbered(LiveChannel channel, int sender, int count) {
    return () -> {
      for (int seq = 0; seq < count; seq++) {
        RecordingLiveHandler.send(channel, numbered(sender, seq));
      }
    };
  }

  /** All of each sender's messages arrived, whole, in the order it sent them. */
  private static void assertEachSendersMessagesInOrder(RecordingLiveHandler receiver, int senders, int perSender)
      throws InterruptedException {
    int[] next = new int[senders];
    for (int i = 0; i < senders * perSender; i++) {
      byte[] message = receiver.nextMessage();
      ByteBuffer header = ByteBuffer.wrap(message);
      int sender = header.getInt();
      int seq = header.getInt();
      assertEquals(next[sender]++, seq, "order of sender " + sender);
      assertArrayEquals(numbered(sender, seq), message, "message " + seq + " of sender " + sender);
    }
    assertTrue(receiver.messages.isEmpty());
  }

  @Test
  void messagesFlowBothWaysWholeAndInOrder() throws Exception {
    int senders = 4;
    int perSender = 250;
    int serverSenders = 2;
    int perServerSender = 500;
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    RecordingLiveHandler server = nextServerSide();
    LiveChannel serverChannel = server.awaitOpen();
    client.awaitOpen();

    ExecutorService pool = Executors.newFixedThreadPool(senders + serverSenders);
    try {
      // Several threads send on each side's one channel at once.
      List<Future<?>> sending = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        sending.add(pool.submit(sendNumbered(channel, s, perSender)));
      }
      for (int s = 0; s < serverSenders; s++) {
        sending.add(pool.submit(sendNumbered(serverChannel, s, perServerSender)));
      }
      for (Future<?> f : sending) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEachSendersMessagesInOrder(server, senders, perSender);
    assertEachSendersMessagesInOrder(client, serverSenders, perServerSender);
    channel.close();
    client.awaitClose();
    server.awaitClose();
    client.assertClosedOnceAndObeyed();
    server.assertClosedOnceAndObeyed();
  }

  @Test
  void aLargeMessageArrivesWholeBothWays() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::echoing);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    byte[] large = new byte[4 << 20];
    new Random(4).nextBytes(large);
    channel.send(large);
    assertArrayEquals(large, nextServerSide().nextMessage());
    assertArrayEquals(large, client.nextMessage());
    channel.close();
  }

  @Test
  void anOversizedMessageToTheServerClosesBothSidesOnce() throws Exception {
    int limit = 64 * 1024;
    URI uri = serve(PeerServer.Options.defaults().withMaxMessageBytes(limit), RecordingLiveHandler::new);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    RecordingLiveHandler serverSide = nextServerSide();
    channel.send(new byte[limit]);
    assertEquals(limit, serverSide.nextMessage().length);
    channel.send(new byte[limit + 1]);
    assertTrue(client.awaitClose().contains("1009"), client.closed.get());
    assertTrue(serverSide.awaitClose().contains("1009"), serverSide.closed.get());
    assertFalse(channel.isOpen());
    assertThrows(IOException.class, () -> channel.send(new byte[] {1}));
    channel.close();
    server.close();
    client.assertClosedOnceAndObeyed();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void anOversizedMessageToTheClientClosesBothSidesOnce() throws Exception {
    int limit = 64 * 1024;
    URI uri = serve(PeerServer.Options.defaults(),
        () -> RecordingLiveHandler.sendingOnOpen(new byte[limit], new byte[limit + 1]));
    RecordingLiveHandler client = new RecordingLiveHandler();
    WebSocketLive.connect(uri, client, TIMEOUT, limit);
    RecordingLiveHandler serverSide = nextServerSide();
    assertEquals(limit, client.nextMessage().length);
    String reason = client.awaitClose();
    assertTrue(reason.contains("limit of " + limit + " bytes"), reason);
    assertTrue(serverSide.awaitClose().contains("1008"), serverSide.closed.get());
    server.close();
    assertTrue(client.messages.isEmpty(), "nothing delivered after the oversized message");
    client.assertClosedOnceAndObeyed();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void theServerClosingIsSeenByTheClient() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    RecordingLiveHandler serverSide = nextServerSide();
    serverSide.awaitOpen().close();
    assertTrue(client.awaitClose().contains("closed by peer with 1000"), client.closed.get());
    assertFalse(channel.isOpen());
    serverSide.awaitClose();
    client.assertClosedOnceAndObeyed();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void stoppingTheServerClosesLiveChannels() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    RecordingLiveHandler client = new RecordingLiveHandler();
    WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    RecordingLiveHandler serverSide = nextServerSide();
    serverSide.awaitOpen();
    server.close();
    serverSide.assertClosedOnceAndObeyed();
    assertTrue(client.awaitClose().contains("1001"), client.closed.get());
    client.assertClosedOnceAndObeyed();
  }

  @Test
  void theClientClosingIsSeenByTheServer() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    RecordingLiveHandler serverSide = nextServerSide();
    serverSide.awaitOpen();
    channel.close();
    channel.close();
    assertTrue(client.awaitClose().contains("closed by this side"), client.closed.get());
    assertTrue(serverSide.awaitClose().contains("1000"), serverSide.closed.get());
    server.close();
    client.assertClosedOnceAndObeyed();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void aHandlerCanAnswerAndCloseFromItsOwnCallbacks() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), () -> new RecordingLiveHandler((channel, message) -> {
      RecordingLiveHandler.send(channel, message);
      channel.close();
    }));
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    channel.send(new byte[] {5});
    assertArrayEquals(new byte[] {5}, client.nextMessage());
    client.awaitClose();
    RecordingLiveHandler serverSide = nextServerSide();
    serverSide.awaitClose();
    server.close();
    client.assertClosedOnceAndObeyed();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void aFailingServerHandlerClosesTheChannelWith1011() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), () -> new RecordingLiveHandler((channel, message) -> {
      throw new IllegalStateException("bug");
    }));
    RecordingLiveHandler client = new RecordingLiveHandler();
    WebSocketLive.connect(uri, client, TIMEOUT, MAX).send(new byte[] {1});
    assertTrue(client.awaitClose().contains("1011"), client.closed.get());
    RecordingLiveHandler serverSide = nextServerSide();
    assertTrue(serverSide.awaitClose().contains("bug"), serverSide.closed.get());
    server.close();
    serverSide.assertClosedOnceAndObeyed();
  }

  @Test
  void aQuietChannelOutlivesTheIdleTimeoutThanksToPings() throws Exception {
    Duration idle = Duration.ofMillis(300);
    URI uri = serve(PeerServer.Options.defaults().withIdleTimeout(idle), RecordingLiveHandler::echoing);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    // Silence for several idle timeouts: the point of this test is the passing of time.
    Thread.sleep(idle.multipliedBy(4).toMillis());
    assertFalse(client.closed.isDone(), () -> "closed: " + client.closed.join());
    channel.send(new byte[] {3});
    assertArrayEquals(new byte[] {3}, client.nextMessage());
    channel.close();
  }

  /**
   * Jetty 12 sends only asynchronously: the server's channel waits for each write itself, and a peer that stops
   * reading must not hold that wait forever. Its write fails once the connection made no progress for the idle
   * timeout.
   */
  @Test
  void aPeerThatStopsReadingFailsTheServersSendAfterTheIdleTimeout() throws Exception {
    Duration idle = Duration.ofMillis(500);
    serve(PeerServer.Options.defaults().withIdleTimeout(idle), RecordingLiveHandler::new);
    try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      peer.setReceiveBufferSize(4096);
      peer.getOutputStream().write(("GET " + Endpoints.LIVE + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      assertEquals(head.length, peer.getInputStream().readNBytes(head, 0, head.length));
      assertEquals("HTTP/1.1 101", new String(head, StandardCharsets.US_ASCII));
      LiveChannel channel = nextServerSide().awaitOpen();

      // The peer reads nothing more: the socket buffers fill, then a send waits, until the idle timeout fails it.
      byte[] large = new byte[1 << 20];
      long started = System.nanoTime();
      IOException failed = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 1_000; i++) {
          channel.send(large);
        }
      });
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(waitedMillis < idle.multipliedBy(10).toMillis(), "the send failed after " + waitedMillis + " ms: "
          + failed);
    }
  }

  @Test
  void aStoppedServerLeavesNoThreadThatKeepsTheJvmAlive() throws Exception {
    Set<Thread> before = nonDaemonThreads();
    PeerServer.Options pingingOften = PeerServer.Options.defaults().withIdleTimeout(Duration.ofMillis(200));
    URI uri = serve(pingingOften, RecordingLiveHandler::echoing);
    RecordingLiveHandler client = new RecordingLiveHandler();
    LiveChannel channel = WebSocketLive.connect(uri, client, TIMEOUT, MAX);
    channel.send(new byte[] {1});
    client.nextMessage();
    server.close();
    client.awaitClose();
    // Jetty's threads end shortly after it stops: wait for them, up to a limit.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<Thread> left = nonDaemonThreads();
    left.removeAll(before);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      left = nonDaemonThreads();
      left.removeAll(before);
    }
    assertEquals(Set.of(), left);
  }

  private static Set<Thread> nonDaemonThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.isDaemon()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  @Test
  void textMessagesAreRefusedWithPolicyViolation() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    WebSocket raw = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(Endpoints.live(uri), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
          }

          @Override
          public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
          }
        })
        .get(10, TimeUnit.SECONDS);
    raw.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertEquals(1008, closeCode.get(10, TimeUnit.SECONDS));
    RecordingLiveHandler serverSide = nextServerSide();
    assertTrue(serverSide.awaitClose().contains("1008"), serverSide.closed.get());
    assertTrue(serverSide.messages.isEmpty());
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RecordingLiveHandler client = new RecordingLiveHandler();
    IOException e = assertThrows(IOException.class,
        () -> WebSocketLive.connect(URI.create("http://127.0.0.1:" + port), client, TIMEOUT, MAX));
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertFalse(client.opened.isDone());
    assertFalse(client.closed.isDone());
  }

  @Test
  void aServerWithoutTheEndpointRefusesTheConnection() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), RecordingLiveHandler::new);
    IOException e = assertThrows(IOException.class,
        () -> WebSocketLive.connect(uri.resolve("/elsewhere"), new RecordingLiveHandler(), TIMEOUT, MAX));
    assertTrue(e.getMessage().contains("refused a live connection"), e.getMessage());
    assertTrue(e.getMessage().contains("404"), e.getMessage());
  }
}
