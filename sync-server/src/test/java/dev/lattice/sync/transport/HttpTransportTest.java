package dev.lattice.sync.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.serving.PeerServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HttpTransport} against a real {@link PeerServer} on loopback. */
@Timeout(30)
class HttpTransportTest {
  private final AtomicInteger handled = new AtomicInteger();
  private PeerServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI serve(PeerServer.Options options, RequestHandler handler) throws IOException {
    server = PeerServer.start(options, request -> {
      handled.incrementAndGet();
      return handler.handle(request);
    }, RecordingLiveHandler::new);
    return server.uri();
  }

  private static byte[] reversed(byte[] bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[bytes.length - 1 - i];
    }
    return out;
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  @Test
  void carriesBytesThereAndBack() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), HttpTransportTest::reversed);
    try (HttpTransport transport = new HttpTransport(uri)) {
      assertArrayEquals(new byte[] {3, 2, 1}, transport.exchange(new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {(byte) 0xFF}, transport.exchange(new byte[] {(byte) 0xFF}));
    }
  }

  @Test
  void carriesAMebibyteBothWays() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), HttpTransportTest::reversed);
    byte[] request = random(1 << 20);
    assertArrayEquals(reversed(request), new HttpTransport(uri).exchange(request));
  }

  @Test
  void anOversizedRequestIsRefusedWith413BeforeTheHandler() throws Exception {
    int limit = 1 << 20;
    URI uri = serve(PeerServer.Options.defaults().withMaxMessageBytes(limit), request -> request);
    IOException e = assertThrows(IOException.class, () -> new HttpTransport(uri).exchange(new byte[4 * limit]));
    assertTrue(e.getMessage().contains("answered 413"), e.getMessage());
    assertTrue(e.getMessage().contains("limit of " + limit + " bytes"), e.getMessage());
    assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
    assertEquals(0, handled.get());
  }

  @Test
  void theDefaultLimitAdmitsA16MiBMessageAndRefusesMore() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), request -> new byte[] {1});
    HttpTransport transport = new HttpTransport(uri);
    assertArrayEquals(new byte[] {1}, transport.exchange(new byte[16 << 20]));
    IOException e = assertThrows(IOException.class,
        () -> transport.exchange(new byte[Endpoints.DEFAULT_MAX_MESSAGE_BYTES + 1]));
    assertTrue(e.getMessage().contains("413"), e.getMessage());
    assertEquals(1, handled.get());
    // The refused request did not spoil the transport.
    assertArrayEquals(new byte[] {1}, transport.exchange(new byte[] {9}));
  }

  @Test
  void anOversizedReplyIsRefusedNamingTheLimit() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), request -> new byte[100_000]);
    HttpTransport transport = new HttpTransport(uri, HttpTransport.Options.defaults().withMaxReplyBytes(65_536));
    IOException e = assertThrows(IOException.class, () -> transport.exchange(new byte[] {1}));
    assertTrue(e.getMessage().contains("65536 bytes"), e.getMessage());
  }

  @Test
  void aHandlerFailureIsA500() throws Exception {
    URI uri = serve(PeerServer.Options.defaults(), request -> {
      throw new IllegalStateException("bug");
    });
    IOException e = assertThrows(IOException.class, () -> new HttpTransport(uri).exchange(new byte[] {1}));
    assertTrue(e.getMessage().startsWith("peer " + uri + " answered 500: "), e.getMessage());
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI uri = URI.create("http://127.0.0.1:" + port);
    IOException e = assertThrows(IOException.class, () -> new HttpTransport(uri).exchange(new byte[] {1}));
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
  }

  @Test
  void aSlowPeerTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    URI uri = serve(PeerServer.Options.defaults(), request -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return request;
    });
    HttpTransport transport =
        new HttpTransport(uri, HttpTransport.Options.defaults().withRequestTimeout(Duration.ofMillis(200)));
    IOException e = assertThrows(IOException.class, () -> transport.exchange(new byte[] {1}));
    release.countDown();
    assertTrue(e.getMessage().contains("did not answer within 200 ms"), e.getMessage());
  }
}
