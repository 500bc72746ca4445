package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.wire.Subscribe;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on one PostgreSQL database, as behind a load balancer: devices split between them converge, a
 * change pushed live to one instance reaches a device live on the other, and a device revoked through one instance is
 * refused by the other at once, its open live connection there included.
 */
@Timeout(60)
class TwoInstancesTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();
  private ServerConfig config;
  private LatticeServer a;
  private LatticeServer b;
  private Api onA;
  private Api onB;

  @BeforeEach
  void startTwoInstances() throws Exception {
    config = TestServer.config(dir, TestStorage.POSTGRES); // one database; each instance its own port
    a = resources.keep(LatticeServer.startWithRelay(config));
    b = resources.keep(LatticeServer.startWithRelay(config));
    onA = new Api(a.uri());
    onB = new Api(b.uri());
  }

  @Test
  void devicesSplitBetweenTheInstancesConvergeAndLivePushesCrossFromOneToTheOther() throws Exception {
    Api.Space space = onA.createSpace(TestServer.ADMIN);
    Api.Device laptopId = onA.join(space, "laptop");
    Api.Device phoneId = onB.pair(laptopId, "phone"); // the laptop joined on A; B knows it
    Api.Device tabletId = onA.pair(phoneId, "tablet");
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "our words"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "our words"));
    DeviceDatabase tablet = resources.keep(DeviceDatabase.encrypted(dir.resolve("tablet.db"), "our words"));
    SyncClient laptopOnA = resources.keep(client(laptop, a, space, laptopId));
    SyncClient phoneOnB = resources.keep(client(phone, b, space, phoneId));

    laptop.put("shared", "from the laptop");
    laptopOnA.syncNow(); // the laptop makes the space's key, through A
    phoneOnB.syncNow(); // the phone adopts it, through B
    laptopOnA.start();
    phoneOnB.start();
    Eventually.await(() -> laptopOnA.status().state() == SyncStatus.State.LIVE
        && phoneOnB.status().state() == SyncStatus.State.LIVE, "the laptop live on A, the phone live on B");

    for (int i = 0; i < 10; i++) {
      laptop.put("laptop-" + i, "note " + i);
      phone.put("phone-" + i, "note " + i);
    }
    phone.put("shared", "edited on the phone");
    Eventually.await(() -> laptop.rows().size() == 21 && laptop.rows().equals(phone.rows()), "laptop and phone agree");

    long pushed = System.nanoTime();
    laptop.put("live", "pushed to A");
    Eventually.await(() -> phone.rows().contains("live=pushed to A"), "the laptop's change on the phone, through B");
    long millis = (System.nanoTime() - pushed) / 1_000_000;
    assertTrue(millis < 5_000, "crossed instances in " + millis + " ms");

    // A device that was offline catches up through either instance, and all agree.
    try (SyncClient tabletOnA = client(tablet, a, space, tabletId);
        SyncClient tabletOnB = client(tablet, b, space, tabletId)) {
      tabletOnA.syncNow();
      tablet.put("from-the-tablet", "through B");
      tabletOnB.syncNow();
    }
    Eventually.await(() -> laptop.rows().equals(tablet.rows()) && phone.rows().equals(tablet.rows()),
        "the three agree");
    assertEquals(23, tablet.rows().size(), tablet.rows().toString());
    String root = root(tablet);
    assertEquals(root, root(laptop));
    assertEquals(root, root(phone), "the three devices hold the same state");
  }

  @Test
  void aDeviceRevokedThroughOneInstanceIsRefusedByTheOtherAndLosesItsLiveConnectionThere() throws Exception {
    Api.Space space = onA.createSpace(TestServer.ADMIN);
    Api.Device laptop = onA.join(space, "laptop");
    Api.Device phone = onA.pair(laptop, "phone");
    String devices = "/spaces/" + space.id() + "/devices";
    assertEquals(200, onB.get(devices, phone.token()).status());

    try (LiveClient phoneOnB = LiveClient.connect(b.uri(), space.id(), phone.token())) {
      assertInstanceOf(Subscribe.class, phoneOnB.next(), "the phone is live on B");

      assertEquals(204, onA.delete(devices + "/" + phone.id(), laptop.token()).status());

      LiveClient.Closed closed = phoneOnB.awaitClose();
      assertEquals(1008, closed.status());
      assertEquals("device revoked", closed.reason());
    }
    // Every request is authenticated against the shared database: B refuses at once, whatever it was doing.
    Api.Reply refused = onB.get(devices, phone.token());
    assertEquals(403, refused.status(), refused.body());
    assertEquals("revoked", refused.error());
    assertEquals(403, onB.postBytes("/spaces/" + space.id() + "/sync", phone.token(), "application/cbor",
        new byte[] {(byte) 0xa0}).status());
    ExecutionException upgrade = assertThrows(ExecutionException.class,
        () -> LiveClient.connect(b.uri(), space.id(), phone.token()));
    assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, upgrade.getCause()).getResponse()
        .statusCode());
    assertEquals(200, onB.get(devices, laptop.token()).status(), "the others are not affected");
    assertEquals("ok", onB.get("/health", null).field("feed"), "B hears A");
  }

  @Test
  void aRevocationMadeWhileTheOtherInstanceCouldNotHearIsEnforcedThereOnceItHearsAgain() throws Exception {
    Api.Space space = onA.createSpace(TestServer.ADMIN);
    Api.Device laptop = onA.join(space, "laptop");
    Api.Device phone = onA.pair(laptop, "phone");
    try (LiveClient phoneOnB = LiveClient.connect(b.uri(), space.id(), phone.token())) {
      assertInstanceOf(Subscribe.class, phoneOnB.next());

      // The database ends every instance's listening session (a failover would): until B listens again, it is deaf.
      try (Connection c = DriverManager.getConnection(config.postgres().jdbcUrl(), TestPostgres.USER,
          TestPostgres.PASSWORD); Statement s = c.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND query = 'LISTEN lattice_feed'");
      }
      Eventually.await(() -> "unreachable".equals(onB.get("/health", null).field("feed")), "B knows it is deaf");
      assertEquals(204, onA.delete("/spaces/" + space.id() + "/devices/" + phone.id(), laptop.token()).status());

      LiveClient.Closed closed = phoneOnB.awaitClose();
      assertEquals(1008, closed.status(), "B checked its connected devices when it could hear again");
      assertEquals("device revoked", closed.reason());
    }
    Eventually.await(() -> "ok".equals(onB.get("/health", null).field("feed")), "B hears again");
  }

  private static SyncClient client(DeviceDatabase device, LatticeServer server, Api.Space space, Api.Device id) {
    return SyncClient.builder(device.store, URI.create(server.uri() + "/spaces/" + space.id()))
        .bearerToken(id.token()).retry(Duration.ofMillis(100), Duration.ofMillis(500)).build();
  }

  private static String root(DeviceDatabase device) throws Exception {
    return device.store.root().count() + ":" + HexFormat.of().formatHex(device.store.root().digest());
  }

}
