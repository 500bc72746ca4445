package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.ServerConfig;
import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.wire.TreeRoot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many devices of one space sync at once through the real server, each writing while the others read and write: the
 * space serves them side by side, and nothing is lost: afterwards every device holds every row written in the space,
 * with the same root. On PostgreSQL, the devices are split between two instances, whose trees of the space follow each
 * other's commits.
 */
@Timeout(120)
class OneBusySpaceTest {
  private static final int DEVICES = 16;
  private static final int THREADS = 6;
  private static final int ROUNDS = 6;

  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  @Test
  void manyDevicesSyncingOneSpaceAtOnceLoseNothing() throws Exception {
    ServerConfig config = TestServer.config(dir, TestStorage.SQLITE);
    LatticeServer server = resources.keep(LatticeServer.startWithRelay(config));
    busySpace(List.of(server));
  }

  @Test
  void manyDevicesOnTwoInstancesSyncingOneSpaceAtOnceLoseNothing() throws Exception {
    ServerConfig config = TestServer.config(dir, TestStorage.POSTGRES); // one database; each instance its own port
    LatticeServer a = resources.keep(LatticeServer.startWithRelay(config));
    LatticeServer b = resources.keep(LatticeServer.startWithRelay(config));
    busySpace(List.of(a, b));
  }

  /** Devices take turns among {@code servers}; each round, every device writes a row and syncs, on a few threads. */
  private void busySpace(List<LatticeServer> servers) throws Exception {
    Api api = new Api(servers.get(0).uri());
    Api.Space space = api.createSpace(TestServer.ADMIN);
    List<Api.Device> ids = new ArrayList<>();
    ids.add(api.join(space, "device-0"));
    for (int i = 1; i < DEVICES; i++) {
      ids.add(api.pair(ids.get((i - 1) / 2), "device-" + i));
    }
    List<DeviceDatabase> devices = new ArrayList<>();
    List<SyncClient> clients = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      DeviceDatabase d = resources.keep(DeviceDatabase.encrypted(dir.resolve("device-" + i + ".db"), "our words"));
      URI base = URI.create(servers.get(i % servers.size()).uri() + "/spaces/" + space.id());
      devices.add(d);
      clients.add(resources.keep(SyncClient.builder(d.store, base).bearerToken(ids.get(i).token())
          .retry(Duration.ofMillis(50), Duration.ofMillis(500)).build()));
    }
    devices.get(0).put("first", "makes the key");
    clients.get(0).syncNow(); // the first device makes the space's key

    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<Future<?>> syncs = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
          DeviceDatabase d = devices.get(i);
          SyncClient client = clients.get(i);
          String row = "device-" + i + "-round-" + round;
          syncs.add(threads.submit(() -> {
            synchronized (d) {
              d.put(row, "written in round");
              d.put("shared", row); // every device edits one row too: one winner everywhere
              client.syncNow();
            }
            return null;
          }));
        }
        for (Future<?> f : syncs) {
          f.get(); // a failed sync fails the test
        }
      }
    } finally {
      threads.shutdownNow();
    }
    for (int pass = 0; pass < 2; pass++) { // the server then holds everything, then every device has been offered it
      for (SyncClient client : clients) {
        client.syncNow();
      }
    }

    int expected = 1 + 1 + DEVICES * ROUNDS; // "first", "shared" and every device's row of every round
    List<String> rows = devices.get(0).rows();
    assertEquals(expected, rows.size(), "every row written reached the first device");
    TreeRoot root = devices.get(0).store.root();
    for (int i = 1; i < DEVICES; i++) {
      assertEquals(rows, devices.get(i).rows(), "device " + i + " holds what device 0 holds");
      TreeRoot other = devices.get(i).store.root();
      assertEquals(root.count(), other.count());
      assertEquals(HexFormat.of().formatHex(root.digest()), HexFormat.of().formatHex(other.digest()),
          "device " + i + "'s root");
    }
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("shared=device-")));
  }
}
