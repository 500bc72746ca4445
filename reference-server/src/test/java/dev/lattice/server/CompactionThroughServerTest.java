package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.Replica;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import java.net.URI;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstones go only once every active device of the space holds the deletes, as the server's accounts know its
 * devices: a device that joined and never synced holds them back; revoking it lets them go, on the server and on
 * every device, through a real server over HTTP.
 */
@Timeout(60)
class CompactionThroughServerTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  @Test
  void aDeviceThatNeverSyncedHoldsTombstonesBack_untilItIsRevoked() throws Exception {
    Space space = startWithLaptopAndPhone();
    URI base = space.base();
    Api.Device laptopId = space.laptop();
    Api.Device phoneId = space.phone();
    Api.Device tabletId = space.api().pair(laptopId, "tablet"); // joins, and never syncs
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "our words"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "our words"));
    laptop.put("a", "1").put("b", "2").put("c", "3");
    laptop.app.createStatement().execute("DELETE FROM t WHERE id IN ('a', 'b')");

    for (int round = 0; round < 3; round++) {
      sync(laptop, base, laptopId);
      sync(phone, base, phoneId);
    }
    assertEquals(2, tombstones(laptop), "the tablet may still hold a and b: their tombstones stay");
    assertEquals(2, tombstones(phone));
    assertEquals(VersionVector.empty(), Replica.of(phone.app).stablePoint());

    assertEquals(204, space.api().delete("/spaces/" + tabletId.space() + "/devices/" + tabletId.id(),
        laptopId.token()).status());
    for (int round = 0; round < 2; round++) {
      sync(laptop, base, laptopId);
      sync(phone, base, phoneId);
    }

    assertEquals(0, tombstones(laptop));
    assertEquals(0, tombstones(phone));
    assertTrue(Replica.of(phone.app).stablePoint().dominates(Replica.of(laptop.app).versionVector()),
        "every version either device holds is now stable");
    assertEquals(List.of("c=3"), phone.rows());
    assertEquals(laptop.rows(), phone.rows());
    assertEquals(laptop.store.root().count(), phone.store.root().count());
    assertEquals(1, sync(phone, base, phoneId), "agreed again: one round trip");
  }

  /**
   * Devices that stay live never say hello again: what they acknowledge and push on the live channel is what the
   * server goes by, so the deletes' tombstones go while both are live, and each device drops its own at its next sync.
   */
  @Test
  void liveDevicesLetTombstonesGo_byWhatTheyAcknowledge() throws Exception {
    Space space = startWithLaptopAndPhone();
    URI base = space.base();
    Api.Device laptopId = space.laptop();
    Api.Device phoneId = space.phone();
    DeviceDatabase laptop = resources.keep(DeviceDatabase.create(dir.resolve("laptop.db")));
    DeviceDatabase phone = resources.keep(DeviceDatabase.create(dir.resolve("phone.db")));
    laptop.put("a", "1").put("b", "2");
    SyncClient laptopClient = resources.keep(live(laptop, base, laptopId));
    SyncClient phoneClient = resources.keep(live(phone, base, phoneId));
    laptopClient.start();
    phoneClient.start();
    Eventually.await(() -> phone.rows().size() == 2, "the phone has both rows");

    laptop.app.createStatement().execute("DELETE FROM t WHERE id = 'a'");
    Eventually.await(() -> phone.rows().equals(List.of("b=2")), "the phone has the delete");
    laptop.put("c", "3"); // one more push and ack each way after the delete
    Eventually.await(() -> phone.rows().size() == 2, "the phone has c");
    laptopClient.stop();
    phoneClient.stop();
    assertEquals(1, tombstones(phone));

    sync(phone, base, phoneId); // the server dropped a's tombstone: the phone learns the stable point

    assertEquals(0, tombstones(phone));
    assertEquals(List.of("b=2", "c=3"), phone.rows());
  }

  /** A server, a space on it and two devices joined to it: the laptop by the invite, the phone by pairing. */
  private record Space(Api api, URI base, Api.Device laptop, Api.Device phone) {}

  private Space startWithLaptopAndPhone() throws Exception {
    // Every statement of a device counts here; a server records one a minute per device by default.
    LatticeServer server = resources.keep(LatticeServer.startWithRelay(TestServer.config(dir, storage())
        .withStablePointEvery(Duration.ZERO)));
    Api api = new Api(server.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptop = api.join(space, "laptop");
    return new Space(api, URI.create(server.uri() + "/spaces/" + space.id()), laptop, api.pair(laptop, "phone"));
  }

  private static SyncClient live(DeviceDatabase device, URI base, Api.Device id) {
    return SyncClient.builder(device.store, base).bearerToken(id.token())
        .retry(Duration.ofMillis(100), Duration.ofMillis(500)).build();
  }

  private static int sync(DeviceDatabase device, URI base, Api.Device id) throws Exception {
    return SyncSession.run(device.store, new HttpTransport(base, HttpTransport.Options.defaults(), id.token()),
        SyncOptions.DEFAULTS).roundTrips();
  }

  private static long tombstones(DeviceDatabase device) throws Exception {
    try (Statement s = device.app.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0")) {
      r.next();
      return r.getLong(1);
    }
  }

}
