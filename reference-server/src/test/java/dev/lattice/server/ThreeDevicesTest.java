package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.session.SyncReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three devices of one encrypted space sync through a real server over loopback: two stay live and edit, the third is
 * offline meanwhile and catches up in one round trip when it comes back; all three end with the same rows and roots.
 */
class ThreeDevicesTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  /** Where the server keeps its data; {@code Postgres...Test} runs these tests on PostgreSQL. */
  TestStorage storage() {
    return TestStorage.SQLITE;
  }

  @Test
  void anOfflineDeviceCatchesUpWithWhatTheOthersDidAndAllThreeAgree() throws Exception {
    LatticeServer server = resources.keep(LatticeServer.startWithRelay(TestServer.config(dir, storage())));
    Api api = new Api(server.uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    Api.Device laptopId = api.join(space, "laptop");
    Api.Device phoneId = api.pair(laptopId, "phone");
    Api.Device tabletId = api.pair(phoneId, "tablet");
    URI base = URI.create(server.uri() + "/spaces/" + space.id());
    DeviceDatabase laptop = resources.keep(DeviceDatabase.encrypted(dir.resolve("laptop.db"), "our words"));
    DeviceDatabase phone = resources.keep(DeviceDatabase.encrypted(dir.resolve("phone.db"), "our words"));
    DeviceDatabase tablet = resources.keep(DeviceDatabase.encrypted(dir.resolve("tablet.db"), "our words"));
    SyncClient laptopClient = resources.keep(client(laptop, base, laptopId.token()));
    SyncClient phoneClient = resources.keep(client(phone, base, phoneId.token()));
    SyncClient tabletClient = resources.keep(client(tablet, base, tabletId.token()));

    laptop.put("shared", "from the laptop");
    laptopClient.syncNow(); // the laptop makes the space's key
    tabletClient.syncNow(); // the tablet joins, then goes offline
    phoneClient.syncNow();
    laptopClient.start();
    phoneClient.start();
    Eventually.await(() -> laptopClient.status().state() == SyncStatus.State.LIVE
        && phoneClient.status().state() == SyncStatus.State.LIVE, "laptop and phone live");

    for (int i = 0; i < 20; i++) {
      laptop.put("laptop-" + i, "note " + i);
      phone.put("phone-" + i, "note " + i);
    }
    phone.put("shared", "edited on the phone");
    Eventually.await(() -> laptop.rows().equals(phone.rows()) && laptop.rows().size() == 41, "laptop and phone agree");

    SyncReport back = tabletClient.syncNow();

    assertEquals(1, back.roundTrips(), "the welcome brought everything the tablet lacked");
    assertEquals(laptop.rows(), tablet.rows());
    assertEquals(laptop.store.root().count(), tablet.store.root().count());
    assertEquals(java.util.HexFormat.of().formatHex(laptop.store.root().digest()),
        java.util.HexFormat.of().formatHex(tablet.store.root().digest()), "the three devices hold the same state");
  }

  private static SyncClient client(DeviceDatabase device, URI base, String token) {
    return SyncClient.builder(device.store, base).bearerToken(token)
        .retry(Duration.ofMillis(100), Duration.ofMillis(500)).build();
  }

}
