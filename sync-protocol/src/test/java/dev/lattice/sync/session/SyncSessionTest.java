package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Hello;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.WireCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync between two devices, over the protocol, in memory: what it moves, how many round trips, what it refuses. */
class SyncSessionTest {
  @TempDir Path dir;
  private final List<Device> devices = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Device d : devices) {
      d.close();
    }
  }

  private Device device(String name) throws Exception {
    Device d = Device.create(dir, name);
    devices.add(d);
    return d;
  }

  private static void assertConverged(Device a, Device b) throws Exception {
    assertEquals(a.rows(), b.rows(), "rows");
    assertEquals(a.cells(), b.cells(), "cell versions");
    assertEquals(a.vector(), b.vector(), "version vectors");
    assertEquals(a.root(), b.root(), "Merkle roots");
  }

  @Test
  void twoDevicesExchangeTheirWritesBothWaysAndAgreeOnEverything() throws Exception {
    Device laptop = device("laptop.db").exec("INSERT INTO t VALUES ('a', 'from laptop', 1.5, x'00ff', 1)");
    Device phone = device("phone.db").exec("INSERT INTO t VALUES ('b', 'from phone', NULL, NULL, 2)");

    SyncReport report = phone.syncWith(laptop);

    assertConverged(laptop, phone);
    assertEquals(List.of("a|'from laptop'|1.5|X'00FF'|1", "b|'from phone'|NULL|NULL|2"), phone.rows());
    assertEquals(2, report.roundTrips(), "hello with the laptop's rows, then one push of the phone's");
    assertEquals(0, report.reconciliations());
    assertTrue(report.payloadBytesSent() > 0 && report.payloadBytesSent() < report.bytesSent());
  }

  @Test
  void identicalDevicesAgreeInOneRoundTrip() throws Exception {
    Device a = device("a.db").exec("INSERT INTO t VALUES ('k', 'v', 1, NULL, 0)");
    Device b = device("b.db");
    b.syncWith(a);

    SyncReport again = b.syncWith(a);

    assertEquals(1, again.roundTrips());
    assertEquals(0, again.cellsReceived() + again.cellsSent());
    assertTrue(again.bytesSent() + again.bytesReceived() < 1024, "hello and welcome only: " + again);
  }

  @Test
  void aDeviceBackOnlineCatchesUpInOneRoundTrip() throws Exception {
    Device server = device("server.db");
    Device phone = device("phone.db");
    phone.syncWith(server);
    for (int i = 0; i < 500; i++) {
      server.exec("INSERT INTO t VALUES (?, ?, NULL, NULL, 0)", "k" + i, "while the phone was away " + i);
    }

    SyncReport report = phone.syncWith(server);

    assertEquals(1, report.roundTrips(), "the welcome carries everything the phone lacks");
    assertEquals(server.cells().size(), report.cellsReceived(), "each row's cell and its four columns");
    assertConverged(server, phone);
  }

  @Test
  void largeExchangesStreamInBatchesAndResumeWhereTheyStopped() throws Exception {
    Device server = device("server.db");
    for (int i = 0; i < 1_000; i++) {
      server.exec("INSERT INTO t VALUES (?, ?, NULL, NULL, 0)", "k" + i, "v" + i);
    }
    Device phone = device("phone.db");
    FaultyTransport cut = new FaultyTransport(phone.to(server)).failAfter(3);
    SyncOptions small = SyncOptions.DEFAULTS.withBatchCells(100);

    SyncException broken = assertThrows(SyncException.class, () -> SyncSession.run(phone.store, cut, small));
    assertEquals("unavailable", broken.code());
    int kept = phone.cells().size();
    assertTrue(kept >= 300 && kept < server.cells().size(), "the batches before the break are kept: " + kept);

    SyncReport resumed = SyncSession.run(phone.store, phone.to(server), small);
    assertEquals(server.cells().size() - kept, resumed.cellsReceived(), "nothing already applied is sent again");
    assertConverged(server, phone);
  }

  @Test
  void progressIsReportedAfterEveryBatch() throws Exception {
    Device server = device("server.db");
    for (int i = 0; i < 300; i++) {
      server.exec("INSERT INTO t VALUES (?, NULL, NULL, NULL, NULL)", "k" + i);
    }
    Device phone = device("phone.db");
    List<SyncProgress> seen = new ArrayList<>();

    SyncSession.run(phone.store, phone.to(server), SyncOptions.DEFAULTS.withBatchCells(100), seen::add);

    assertTrue(seen.size() >= 3, "one report per batch: " + seen);
    SyncProgress last = seen.get(seen.size() - 1);
    assertEquals(server.cells().size(), last.cellsReceived());
    assertEquals(300, last.workTotal(), "one write per inserted row, known from the vectors at the start");
    assertEquals(1.0, last.fraction());
    assertTrue(seen.get(0).fraction() < 0.5, "the first batch is a third of the work: " + seen.get(0));
  }

  @Test
  void rootsThatStillDifferAfterTheVectorExchangeAreReconciled() throws Exception {
    Device a = device("a.db");
    for (int i = 0; i < 50; i++) {
      a.exec("INSERT INTO t VALUES (?, ?, NULL, NULL, 0)", "k" + i, "v" + i);
    }
    Device b = device("b.db");
    // b is told it holds everything a has, but receives only part of it: the vectors agree, the contents do not.
    Replica ra = a.store.replica();
    try (ChangeBatches all = ra.batchesSince(VersionVector.empty(), 100_000)) {
      ChangeBatch batch = all.next();
      b.store.replica().apply(new ChangeBatch(batch.senderVector(), batch.changes().subList(0, 40),
          batch.covers()));
    }
    assertEquals(a.vector(), b.vector());
    assertNotEquals(a.root(), b.root());

    SyncReport report = b.syncWith(a);

    assertEquals(1, report.reconciliations());
    assertConverged(a, b);
    assertEquals(250 - 40, report.cellsReceived(), "exactly the rows b lacked move: " + report);
  }

  @Test
  void replicasThatTrackDifferentColumnsAreRefusedWithTheDifference() throws Exception {
    Device a = device("a.db");
    Device b = Device.create(dir, "b.db", Encryption.off(),
        "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b REAL, c BLOB, n INTEGER, extra TEXT)");
    devices.add(b);
    b.exec("INSERT INTO t VALUES ('x', 1, 2, NULL, 0, 'e')");

    SyncException e = assertThrows(SyncException.class, () -> a.syncWith(b));

    assertEquals("schema", e.code());
    assertTrue(e.getMessage().contains("extra"), e.getMessage());
    assertEquals(List.of(), a.rows(), "nothing applied");
  }

  @Test
  void anotherProtocolVersionIsRefusedByName() throws Exception {
    Device a = device("a.db");
    WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    Hello future = new Hello(Message.PROTOCOL + 1, new byte[16], new byte[32], List.of(),
        new TreeRoot(0, new byte[16]), null, false, 100, 1 << 20);

    Message reply = codec.decode(a.responder().handle(codec.encode(future)));

    Failure f = (Failure) reply;
    assertEquals("protocol", f.code());
    assertTrue(f.message().contains("protocol " + (Message.PROTOCOL + 1)), f.message());
  }

  @Test
  void garbageIsAnsweredWithAFailureNamingTheProblem() throws Exception {
    Device a = device("a.db");
    WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    Failure f = (Failure) codec.decode(a.responder().handle(new byte[] {(byte) 0xa1, 0x61}));

    assertEquals("malformed", f.code());
  }

  @Test
  void anUnreachablePeerIsReportedAsUnavailable() throws Exception {
    Device a = device("a.db");
    SyncException e = assertThrows(SyncException.class, () -> SyncSession.run(a.store, request -> {
      throw new java.net.ConnectException("Connection refused");
    }, SyncOptions.DEFAULTS));
    assertEquals("unavailable", e.code());
    assertTrue(e.getMessage().contains("Connection refused"));
  }

  @Test
  void aReplayedPushChangesNothing() throws Exception {
    Device server = device("server.db");
    Device phone = device("phone.db").exec("INSERT INTO t VALUES ('p', 'v1', NULL, NULL, 0)");
    RecordingTransport recorder = new RecordingTransport(phone.to(server));
    SyncSession.run(phone.store, recorder, SyncOptions.DEFAULTS);
    phone.exec("UPDATE t SET a = 'v2' WHERE id = 'p'");
    phone.syncWith(server);

    byte[] stalePush = recorder.requests.get(1);
    new InMemoryTransport(server.responder()).exchange(stalePush);

    assertEquals(List.of("p|'v2'|NULL|NULL|0"), server.rows(), "the older version loses again");
    assertConverged(server, phone);
  }

  @Test
  void largeValuesTravelInSmallerBatchesAndARowTooLargeForAnyMessageIsNamed() throws Exception {
    Device server = device("server.db");
    for (int i = 0; i < 12; i++) {
      server.exec("INSERT INTO t VALUES (?, NULL, NULL, randomblob(300000), NULL)", "k" + i);
    }
    Device phone = device("phone.db");
    SyncOptions oneMiB = SyncOptions.DEFAULTS.withMaxMessageBytes(1 << 20);

    SyncReport report = SyncSession.run(phone.store, phone.to(server), oneMiB);

    assertTrue(report.roundTrips() >= 4, "at most three 300 kB values per message: " + report);
    assertConverged(server, phone);

    server.exec("INSERT INTO t VALUES ('huge', NULL, NULL, randomblob(2000000), NULL)");
    SyncException e = assertThrows(SyncException.class, () -> SyncSession.run(phone.store, phone.to(server), oneMiB));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @Test
  void aPeerThatKeepsChangingIsCaughtUpByVectorNotMistakenForADivergedTree() throws Exception {
    Device server = device("server.db").exec("INSERT INTO t VALUES ('first', 1, NULL, NULL, 0)");
    Device phone = device("phone.db").exec("INSERT INTO t VALUES ('mine', 1, NULL, NULL, 0)");
    int[] writes = {0};
    Transport busy = request -> { // other devices keep writing to the server while the phone syncs
      try {
        server.exec("INSERT INTO t VALUES (?, 1, NULL, NULL, 0)", "other-" + writes[0]++);
      } catch (java.sql.SQLException e) {
        throw new java.io.IOException(e);
      }
      return phone.to(server).exchange(request);
    };

    SyncReport report = SyncSession.run(phone.store, busy, SyncOptions.DEFAULTS);

    assertEquals(0, report.reconciliations(), "the vectors explain the difference: " + report);
    assertTrue(report.roundTrips() <= 2 + 3, "a few more hellos at most: " + report);
    assertTrue(phone.rows().size() >= 2 + writes[0] - 1, "all but the very last write arrived: " + phone.rows());
    assertTrue(server.rows().contains("mine|1|NULL|NULL|0"));
  }
}
