package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.Resources;
import dev.lattice.sync.SyncClient;
import dev.lattice.sync.SyncStatus;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Devices live on the relay over real WebSockets: a change one pushes reaches the others within moments. */
class RelayLiveTest {
  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  @Test
  void aChangePushedByOneLiveDeviceReachesTheOthers() throws Exception {
    RelaySyncs syncs = resources.keep(new RelaySyncs(RelayDatabase.openSqlite(dir.resolve("relay.db")),
        SyncOptions.DEFAULTS));
    PeerServer server = resources.keep(PeerServer.start(PeerServer.Options.defaults(), syncs.handler("space"),
        () -> syncs.live("space", "device")));
    List<Phone> phones = new ArrayList<>();
    List<SyncClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Phone phone = resources.keep(Phone.create(dir, "phone" + i + ".db", "words"));
      SyncClient client = resources.keep(SyncClient.builder(phone.store, server.uri())
          .retry(Duration.ofMillis(50), Duration.ofMillis(200)).build());
      phones.add(phone);
      clients.add(client);
    }
    for (SyncClient client : clients) { // one after another: the first makes the space's key, the others adopt it
      client.syncNow();
      client.start();
    }
    for (SyncClient client : clients) {
      await(() -> client.status().state() == SyncStatus.State.LIVE, "every device live");
    }

    long sent = System.nanoTime();
    phones.get(0).exec("INSERT INTO t VALUES ('live', 'hello', NULL, 1)");
    await(() -> phones.get(1).rows().size() == 1 && phones.get(2).rows().size() == 1, "the row on every device");
    long millis = (System.nanoTime() - sent) / 1_000_000;

    assertEquals(phones.get(0).rows(), phones.get(2).rows());
    assertTrue(millis < 5_000, "propagated in " + millis + " ms");
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not within 10 s: " + what);
  }
}
