package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.Renumbering;
import dev.lattice.sync.SyncStatus.State;
import dev.lattice.sync.serving.PeerHost;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.Device;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices sync directly over loopback HTTP and WebSocket, no server between them: one serves its own database
 * with a {@link PeerHost}, the other runs a {@link SyncClient}.
 */
class PeerToPeerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  @RegisterExtension final Resources resources = new Resources();

  private PeerHost host(Device device) throws Exception {
    return resources.keep(PeerHost.start(device.store, PeerServer.Options.defaults(), SyncOptions.DEFAULTS));
  }

  private SyncClient client(Device device, URI peer) {
    return resources.keep(SyncClient.builder(device.store, peer).retry(Duration.ofMillis(50), Duration.ofMillis(200))
        .build());
  }

  @Test
  void aPhoneSyncsWithALaptopOverHttp() throws Exception {
    Device laptop = resources.keep(Device.create(dir, "laptop.db"))
        .exec("INSERT INTO t VALUES ('l', 'laptop', 1, NULL, 1)");
    Device phone = resources.keep(Device.create(dir, "phone.db"))
        .exec("INSERT INTO t VALUES ('p', 'phone', 2, NULL, 2)");
    PeerHost host = host(laptop);

    SyncReport report = client(phone, host.uri()).syncNow();

    assertEquals(laptop.rows(), phone.rows());
    assertEquals(laptop.root(), phone.root());
    assertEquals(2, report.roundTrips());
  }

  @Test
  void aPhoneSyncsWithALaptopOverHttpWithEncryption() throws Exception {
    Device laptop = resources.keep(Device.encrypted(dir, "laptop.db", "our words"))
        .exec("INSERT INTO t VALUES ('l', 'secret', 1, NULL, 1)");
    Device phone = resources.keep(Device.encrypted(dir, "phone.db", "our words"));
    Device thief = resources.keep(Device.encrypted(dir, "thief.db", "guessed words"));
    PeerHost host = host(laptop);

    client(phone, host.uri()).syncNow();
    SyncException refused = assertThrows(SyncException.class, () -> client(thief, host.uri()).syncNow());

    assertEquals(laptop.rows(), phone.rows());
    assertEquals("key", refused.code());
    assertEquals(List.of(), thief.rows());
  }

  @Test
  void continuousSyncPushesCommitsBothWaysWhileLive() throws Exception {
    Device laptop = resources.keep(Device.create(dir, "laptop.db"));
    Device phone = resources.keep(Device.create(dir, "phone.db"));
    PeerHost host = host(laptop);
    SyncClient client = client(phone, host.uri());
    BlockingQueue<State> states = new LinkedBlockingQueue<>();
    AtomicLong remoteCells = new AtomicLong();
    client.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        states.add(status.state());
      }

      @Override
      public void remoteChangesApplied(long cells) {
        remoteCells.addAndGet(cells);
      }
    });

    client.start();
    awaitState(states, State.LIVE);
    laptop.exec("INSERT INTO t VALUES ('from-laptop', 'hi', NULL, NULL, NULL)");
    phone.exec("INSERT INTO t VALUES ('from-phone', 'hello', NULL, NULL, NULL)");

    awaitTrue(() -> laptop.rows().equals(phone.rows()) && laptop.rows().size() == 2, "both rows on both devices");
    // The listener hears of a batch once it is stored and acknowledged: just after its rows are readable, not before.
    awaitTrue(() -> remoteCells.get() > 0, "the application heard of the laptop's row");
    awaitTrue(() -> client.status().pendingLocalWrites() == 0, "the phone's write acknowledged");
    assertEquals(State.LIVE, client.status().state());
    assertTrue(client.status().lastSyncedAt() != null);
    client.stop();
    assertEquals(State.STOPPED, client.status().state());
  }

  @Test
  void rowsSqliteNumberedOnBothDevicesWhileLive_areNumberedByTheHost_andBothKept() throws Exception {
    Device laptop = resources.keep(Device.numbered(dir, "laptop.db"));
    Device phone = resources.keep(Device.numbered(dir, "phone.db"));
    PeerHost host = host(laptop);
    SyncClient client = client(phone, host.uri());
    BlockingQueue<State> states = new LinkedBlockingQueue<>();
    List<Renumbering> moves = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        states.add(status.state());
      }

      @Override
      public void rowsRenumbered(List<Renumbering> moved) {
        moves.addAll(moved);
      }
    });
    client.start();
    awaitState(states, State.LIVE);

    laptop.exec("INSERT INTO t(a) VALUES ('from laptop')");
    phone.exec("INSERT INTO t(a) VALUES ('from phone')"); // SQLite numbers both 1
    awaitTrue(() -> laptop.rows().equals(phone.rows()) && laptop.rows().size() == 2, "both rows on both devices");
    phone.exec("INSERT INTO t(a) VALUES ('later')");

    awaitTrue(() -> laptop.rows().equals(phone.rows()) && laptop.rows().size() == 3, "the next one too");
    assertEquals(List.of("1|'from laptop'", "2|'from phone'", "3|'later'"),
        laptop.rows().stream().map(r -> r.substring(0, r.indexOf('|', r.indexOf('|') + 1))).toList());
    assertEquals(laptop.root(), phone.root());
    // The phone's row moved once when it settled (1 to 2), or twice when the laptop's row 1 arrived first (1 to a
    // number below zero, then to 2): either way the application heard every move of the id it held.
    long held = 1;
    for (Renumbering move : moves) {
      held = move.from() == held ? move.to() : held;
    }
    assertEquals(2, held, "the application heard its row moved: " + moves);
    assertTrue(states.stream().allMatch(State.LIVE::equals), "numbered over the live channel, which stayed open: "
        + states);
  }

  @Test
  void aDroppedConnectionGoesOfflineAndResumesWithHello() throws Exception {
    Device laptop = resources.keep(Device.create(dir, "laptop.db"));
    Device phone = resources.keep(Device.create(dir, "phone.db"));
    PeerHost first = PeerHost.start(laptop.store, PeerServer.Options.defaults(), SyncOptions.DEFAULTS);
    int port = first.uri().getPort();
    SyncClient client = client(phone, first.uri());
    BlockingQueue<State> states = new LinkedBlockingQueue<>();
    client.addListener(new SyncListener() {
      @Override
      public void statusChanged(SyncStatus status) {
        states.add(status.state());
      }
    });
    client.start();
    awaitState(states, State.LIVE);

    first.close();
    awaitState(states, State.OFFLINE);
    laptop.exec("INSERT INTO t VALUES ('while-away', 1, NULL, NULL, NULL)");
    phone.exec("INSERT INTO t VALUES ('offline-edit', 2, NULL, NULL, NULL)");
    host(laptop, port);

    awaitState(states, State.LIVE);
    awaitTrue(() -> laptop.rows().equals(phone.rows()) && laptop.rows().size() == 2, "caught up both ways");
  }

  private void host(Device device, int port) throws Exception {
    resources.keep(PeerHost.start(device.store, PeerServer.Options.defaults().withPort(port), SyncOptions.DEFAULTS));
  }

  private static void awaitState(BlockingQueue<State> states, State wanted) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    List<State> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      State s = states.poll(100, TimeUnit.MILLISECONDS);
      if (s == wanted) {
        return;
      }
      if (s != null) {
        seen.add(s);
      }
    }
    throw new AssertionError("no " + wanted + " within " + PATIENCE + "; saw " + seen);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + PATIENCE + ": " + what);
  }
}
