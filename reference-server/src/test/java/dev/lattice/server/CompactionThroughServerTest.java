package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.Replica;
import dev.lattice.driver.VersionVector;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.HttpTransport;
import java.net.URI;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstones go only once every active device of the space holds the deletes, as the server's accounts know its
 * devices: a device that joined and never synced holds them back; revoking it lets them go, on the server and on
 * every device, through a real server over HTTP.
 */
@Timeout(60)
class CompactionThroughServerTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void aDeviceThatNeverSyncedHoldsTombstonesBack_untilItIsRevoked() throws Exception {
    // Every hello counts here; a server records a device's hello once a minute by default.
    LatticeServer server = keep(LatticeServer.startWithRelay(TestServer.config(dir, storage())
        .withStablePointEvery(Duration.ZERO)));
    Api api = new Api(server.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = api.join(space, "laptop");
    Api.Device phoneId = api.pair(laptopId, "phone");
    Api.Device tabletId = api.pair(laptopId, "tablet"); // joins, and never syncs
    URI base = URI.create(server.uri() + "/spaces/" + space.id());
    DeviceDatabase laptop = keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "our words"));
    DeviceDatabase phone = keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "our words"));
    laptop.put("a", "1").put("b", "2").put("c", "3");
    laptop.app.createStatement().execute("DELETE FROM t WHERE id IN ('a', 'b')");

    for (int round = 0; round < 3; round++) {
      sync(laptop, base, laptopId);
      sync(phone, base, phoneId);
    }
    assertEquals(2, tombstones(laptop), "the tablet may still hold a and b: their tombstones stay");
    assertEquals(2, tombstones(phone));
    assertEquals(VersionVector.empty(), Replica.of(phone.app).stablePoint());

    assertEquals(204, api.delete("/spaces/" + space.id() + "/devices/" + tabletId.id(), laptopId.token()).status());
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

  private <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }
}
