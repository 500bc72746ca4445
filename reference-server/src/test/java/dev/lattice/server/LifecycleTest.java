package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.LiveHandler;
import dev.lattice.sync.transport.RequestHandler;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: the generated admin token, a graceful stop, a port that is taken. */
@Timeout(30)
class LifecycleTest {
  @TempDir Path dir;

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  @Test
  void aGeneratedAdminTokenIsShownOnceStoredAsAHashAndKeptAcrossRestarts() throws Exception {
    ServerConfig config = TestServer.config(dir, storage()).withAdminToken(null);
    String token;
    try (LogCapture log = new LogCapture()) {
      try (TestServer first = TestServer.start(config, new DeviceDatabaseSyncs(dir))) {
        Matcher shown = Pattern.compile("\\s{4}([A-Za-z0-9_-]{43})\\s").matcher(first.console());
        assertTrue(shown.find(), "the operator is shown the token: " + first.console());
        token = shown.group(1);
        assertEquals(201, first.api.post("/admin/spaces", token, null).status());
      }
      assertFalse(log.text().contains(token), "the admin token must not reach the log");
    }
    assertFalse(storage().storedBytes(config).contains(token), "only the token's hash is stored");

    try (TestServer again = TestServer.start(config, new DeviceDatabaseSyncs(dir))) {
      assertEquals("", again.console(), "shown once, at the first start only");
      assertEquals(201, again.api.post("/admin/spaces", token, null).status());
      assertEquals(401, again.api.post("/admin/spaces", TestServer.ADMIN, null).status());
    }
  }

  @Test
  void stoppingFinishesTheSyncInProgressAndClosesLiveConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean syncsClosed = new AtomicBoolean();
    SpaceSyncs slow = new SpaceSyncs() {
      @Override
      public RequestHandler handler(String spaceId) {
        return request -> {
          entered.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return request;
        };
      }

      @Override
      public LiveHandler live(String spaceId, String deviceId) {
        return new LiveHandler() {
          @Override
          public void onOpen(LiveChannel channel) {}

          @Override
          public void onMessage(LiveChannel channel, byte[] message) {}

          @Override
          public void onClose(LiveChannel channel, String reason) {}
        };
      }

      @Override
      public void close() {
        syncsClosed.set(true);
      }
    };
    TestServer server = TestServer.start(TestServer.config(dir, storage()), slow);
    Api.Device device = server.api.join(server.api.createSpace(TestServer.ADMIN), "laptop");
    LiveClient live = LiveClient.connect(server.uri(), device.space(), device.token());

    CompletableFuture<Api.Reply> inFlight = CompletableFuture.supplyAsync(() -> server.api.postBytes(
        "/spaces/" + device.space() + "/sync", device.token(), "application/cbor", new byte[] {(byte) 0xa0}));
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the sync reached the protocol");
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);

    LiveClient.Closed closed = live.awaitClose();
    assertEquals(1001, closed.status(), "live connections are told the server is going away");
    Thread.sleep(200);
    assertFalse(stopping.isDone(), "the stop waits for the sync in progress");
    release.countDown();
    assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).status(), "the sync in progress was answered");
    stopping.get(10, TimeUnit.SECONDS);
    assertTrue(syncsClosed.get(), "the server closes its space syncs once stopped");
    Throwable refused = assertThrows(Exception.class, () -> server.api.get("/health", null));
    assertTrue(Stream.iterate(refused, t -> t.getCause() != null, Throwable::getCause)
        .anyMatch(t -> t.getCause() instanceof ConnectException) || refused.getCause() instanceof ConnectException,
        "a stopped server accepts no connection: " + refused);
  }

  @Test
  void aTakenPortIsABindException() throws Exception {
    Path other = dir.resolve("other");
    try (TestServer first = TestServer.start(dir, storage());
        DeviceDatabaseSyncs syncs = new DeviceDatabaseSyncs(other)) {
      BindException e = assertThrows(BindException.class, () -> LatticeServer.start(
          TestServer.config(other).withPort(first.server.port()), syncs));
      assertTrue(e.getMessage().contains(Integer.toString(first.server.port())), e.getMessage());
      assertFalse(syncs.closed, "a server that did not start leaves its syncs to the caller");
    }
  }
}
