package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.storage.StorageException;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.Allocated;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Hello;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.Welcome;
import dev.lattice.sync.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices sync through a relay that holds only envelopes, and agree with it on everything the protocol compares. Runs
 * on every storage the relay supports ({@link SqliteRelayStoreTest}, {@link PostgresRelayStoreTest}).
 */
abstract class RelayStoreContract {
  private static final String MARKER = "relay-plaintext-marker-31c9";

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private RelayDatabase db;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A new, empty relay database whose clock is {@code clock}. */
  abstract RelayDatabase openRelay(Path dir, String name, java.time.Clock clock) throws Exception;

  /** Every file the relay's storage writes, for the plaintext scan; empty where the storage is not files here. */
  abstract List<Path> storageFiles(Path dir) throws Exception;

  /**
   * Puts a relay database of the first layout, version 1, holding {@link RelayV1Fixture}'s space, where this storage
   * keeps the database named {@code name}; does not open it.
   */
  abstract void placeVersion1(Path dir, String name) throws Exception;

  /** The database named {@code name} (made by {@link #openRelay} or {@link #placeVersion1}), opened again. */
  abstract RelayDatabase reopenRelay(Path dir, String name, java.time.Clock clock) throws Exception;

  private RelayStore relay(String space) throws Exception {
    if (db == null) {
      db = openRelay(dir, "relay", java.time.Clock.systemUTC());
      open.add(0, db);
    }
    return db.space(space);
  }

  private Phone phone(String name, String passphrase) throws Exception {
    Phone p = Phone.create(dir, name, passphrase);
    open.add(p);
    return p;
  }

  private static SyncReport sync(Phone phone, RelayStore relay) throws SyncException {
    return SyncSession.run(phone.store, new InMemoryTransport(new SyncResponder(relay, SyncOptions.DEFAULTS)),
        SyncOptions.DEFAULTS);
  }

  private static String root(TreeRoot r) {
    return r.count() + ":" + java.util.HexFormat.of().formatHex(r.digest());
  }

  @Test
  void twoDevicesConvergeThroughTheRelayAndItsTreeIsTheirs() throws Exception {
    RelayStore relay = relay("space-1");
    Phone laptop = phone("laptop.db", "words").exec("INSERT INTO t VALUES ('a', ?, 1.5, 3)", MARKER);
    Phone phone = phone("phone.db", "words").exec("INSERT INTO t VALUES ('b', 'x', NULL, 4)");

    sync(laptop, relay);
    sync(phone, relay);
    sync(laptop, relay);
    phone.exec("UPDATE t SET n = n + 10 WHERE id = 'a'").exec("DELETE FROM t WHERE id = 'b'");
    laptop.exec("UPDATE t SET n = n + 1 WHERE id = 'a'");
    sync(phone, relay);
    sync(laptop, relay);
    SyncReport last = sync(phone, relay);

    assertEquals(laptop.rows(), phone.rows());
    assertEquals(List.of("a|'" + MARKER + "'|1.5|14"), phone.rows(), "both increments count");
    assertEquals(root(laptop.store.root()), root(relay.root()), "the relay's tree, built from metadata, is theirs");
    assertEquals(0, last.reconciliations());
    assertEquals(1, last.roundTrips());
  }

  @Test
  void readersDoNotWaitForAWriterOfTheSpace() throws Exception {
    RelayStore relay = relay("space-1");
    db.recordDeviceVectorsEvery(java.time.Duration.ofHours(1)); // the phone's second hello records nothing
    Phone laptop = phone("laptop.db", "words").exec("INSERT INTO t VALUES ('a', 'x', NULL, 1)");
    Phone phone = phone("phone.db", "words");
    sync(laptop, relay);
    sync(phone, relay);
    TreeRoot before = relay.root();
    laptop.exec("INSERT INTO t VALUES ('b', 'held', NULL, 2)");
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    relay.transactions().beforeCommit(() -> { // the laptop's push: its transaction stays open until released
      inside.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<SyncReport> writer = threads.submit(() -> sync(laptop, relay));
      assertTrue(inside.await(10, TimeUnit.SECONDS), "the laptop's batch is being written");

      Future<List<String>> reader = threads.submit(() -> {
        SyncReport again = sync(phone, relay); // hello, and a pull: reads only
        assertEquals(0, again.cellsSent());
        assertEquals(root(before), root(relay.root()), "the uncommitted batch is not in the tree");
        relay.vector();
        relay.stableVector();
        relay.changesFor(List.of(), 100);
        relay.reconcileView().tree();
        relay.siteId();
        relay.keyInfo(true);
        return phone.rows();
      });
      List<String> seen = reader.get(10, TimeUnit.SECONDS); // fails here if reads wait for the writer
      assertFalse(writer.isDone(), "the writer was still held while the reads completed");
      assertEquals(List.of("a|'x'|NULL|1"), seen, "the phone saw what was committed, not the open batch");

      relay.transactions().beforeCommit(null);
      release.countDown();
      writer.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
    sync(phone, relay);
    assertEquals(laptop.rows(), phone.rows());
    assertEquals(root(laptop.store.root()), root(relay.root()));
    assertEquals(root(rebuiltRoot("space-1")), root(relay.root()), "the tree followed the commit");
  }

  @Test
  void theRelayNeverHoldsPlaintext() throws Exception {
    RelayStore relay = relay("space-1");
    phone("laptop.db", "words").exec("INSERT INTO t VALUES (?, ?, NULL, NULL)", MARKER + "-key", MARKER);
    sync((Phone) open.get(open.size() - 1), relay);
    db.close();
    open.remove(db);
    db = null;

    List<Path> files = storageFiles(dir);
    assertFalse(files.isEmpty(), "the storage's files were found");
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      assertFalse(bytes.contains(MARKER), f + " holds a value or key in the clear");
    }
  }

  @Test
  void aRelayOfTheFirstLayoutIsUpgradedInPlaceOnOpen_andServesWhatItHeld() throws Exception {
    placeVersion1(dir, "old");
    RelayDatabase upgraded = reopenRelay(dir, "old", java.time.Clock.systemUTC());
    open.add(0, upgraded);
    assertEquals(RelaySchema.VERSION, version(upgraded), "the version is recorded on open");
    RelayStore space = upgraded.space(RelayV1Fixture.SPACE);
    assertEquals(RelayV1Fixture.ROOT, root(space.root()), "the tree of the rows the old server stored");

    Phone newcomer = phone("newcomer.db", RelayV1Fixture.PASSPHRASE);
    sync(newcomer, space);
    assertEquals(RelayV1Fixture.ROWS, newcomer.rows(), "a new device gets what the devices stored before the upgrade");
    newcomer.exec("INSERT INTO t VALUES ('d', 'after the upgrade', NULL, 1)").exec("DELETE FROM t WHERE id = 'c'");
    sync(newcomer, space);
    assertEquals(List.of(6L), space.allocate(List.of(ask(NOTES, 5, 2))), "version 2's relay_numbers hands out numbers");
    upgraded.close();
    open.remove(upgraded);

    RelayDatabase again = reopenRelay(dir, "old", java.time.Clock.systemUTC());
    open.add(0, again);
    assertEquals(RelaySchema.VERSION, version(again), "reopening changes nothing");
    assertEquals(Map.of(RelayV1Fixture.SPACE + "/" + hex(NOTES), 7L), counters(again), "the counter was kept");
    assertEquals(List.of(8L), again.space(RelayV1Fixture.SPACE).allocate(List.of(ask(NOTES, 0, 1))));
    Phone another = phone("another.db", RelayV1Fixture.PASSPHRASE);
    sync(another, again.space(RelayV1Fixture.SPACE));
    assertEquals(newcomer.rows(), another.rows());
    assertEquals(root(newcomer.store.root()), root(again.space(RelayV1Fixture.SPACE).root()));
  }

  @Test
  void aRelayDatabaseOfANewerVersionIsRefused_sayingToUpgrade() throws Exception {
    RelayStore relay = relay("space-1");
    sync(phone("laptop.db", "words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)"), relay);
    int newer = RelaySchema.VERSION + 1;
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("UPDATE relay_settings SET value = ? WHERE name = ?")) {
      p.setBytes(1, Integer.toString(newer).getBytes(StandardCharsets.US_ASCII));
      p.setString(2, RelaySchema.VERSION_SETTING);
      assertEquals(1, p.executeUpdate());
    }
    db.close();
    open.remove(db);
    db = null;

    for (int attempt = 0; attempt < 2; attempt++) { // refused, and left as it was: refused again
      StorageException refused = assertThrows(StorageException.class,
          () -> reopenRelay(dir, "relay", java.time.Clock.systemUTC()));
      assertTrue(refused.getMessage().contains("schema version " + newer), refused.getMessage());
      assertTrue(refused.getMessage().contains("newer"), refused.getMessage());
      assertTrue(refused.getMessage().contains("upgrade this server"), refused.getMessage());
    }
  }

  @Test
  void aRelayDatabaseRecordedAtVersion1GainsTheNumbersTableOnOpen() throws Exception {
    RelayStore relay = relay("space-1");
    sync(phone("laptop.db", "words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)"), relay);
    String before = root(relay.root());
    try (Connection c = db.connection(); // as the server before numbers left it
        var drop = c.createStatement();
        PreparedStatement p = c.prepareStatement("UPDATE relay_settings SET value = ? WHERE name = ?")) {
      drop.execute("DROP TABLE relay_numbers");
      p.setBytes(1, "1".getBytes(StandardCharsets.US_ASCII));
      p.setString(2, RelaySchema.VERSION_SETTING);
      assertEquals(1, p.executeUpdate());
    }
    db.close();
    open.remove(db);
    db = null;

    RelayDatabase upgraded = reopenRelay(dir, "relay", java.time.Clock.systemUTC());
    open.add(0, upgraded);
    assertEquals(RelaySchema.VERSION, version(upgraded));
    assertEquals(Map.of(), counters(upgraded), "relay_numbers is there, empty");
    assertEquals(List.of(4L), upgraded.space("space-1").allocate(List.of(ask(NOTES, 3, 1))));
    assertEquals(before, root(upgraded.space("space-1").root()), "the rows are as they were");
  }

  private static int version(RelayDatabase relay) throws Exception {
    try (Connection c = relay.connection()) {
      return RelaySchema.version(c);
    }
  }

  @Test
  void aNewDeviceAdoptsTheSpaceKeyThroughTheRelayAndAWrongOneIsRefused() throws Exception {
    RelayStore relay = relay("space-1");
    Phone first = phone("first.db", "words").exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)");
    sync(first, relay);

    Phone second = phone("second.db", "words");
    sync(second, relay);
    Phone wrong = phone("wrong.db", "other words");
    SyncException e = assertThrows(SyncException.class, () -> sync(wrong, relay));

    assertEquals(first.rows(), second.rows());
    assertEquals("key", e.code());
    assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
    assertEquals(List.of(), wrong.rows());
  }

  @Test
  void aSpaceKeepsItsFirstSchemaAndEncryptionChoice() throws Exception {
    RelayStore relay = relay("space-1");
    sync(phone("first.db", null).exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)"), relay);

    SyncException encrypted = assertThrows(SyncException.class, () -> sync(phone("secret.db", "words"), relay));
    assertEquals("key", encrypted.code());
  }

  @Test
  void rowsOnlyTreeReconciliationCanFindMoveThroughTheRelay() throws Exception {
    RelayStore relay = relay("space-1");
    Phone laptop = phone("laptop.db", null);
    for (int i = 0; i < 40; i++) {
      laptop.exec("INSERT INTO t VALUES (?, ?, NULL, NULL)", "k" + i, "v" + i);
    }
    sync(laptop, relay);
    // A lying batch: the relay is told it holds everything, but gets nothing new; the laptop edits meanwhile.
    Phone phone = phone("phone.db", null);
    sync(phone, relay);
    phone.exec("UPDATE t SET a = 'changed' WHERE id = 'k7'");
    var batch = phone.store.changesFor(relay.vector(), 1000);
    relay.apply(new dev.lattice.sync.wire.Changes(batch.senderVector(), batch.covers(), List.of(), false));

    SyncReport report = sync(phone, relay);

    assertEquals(1, report.reconciliations());
    assertEquals(root(phone.store.root()), root(relay.root()));
    sync(laptop, relay);
    assertEquals(phone.rows(), laptop.rows());
  }

  @Test
  void aBatchFromTheFutureIsRefusedWhole() throws Exception {
    RelayDatabase future = openRelay(dir, "future",
        java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(-1)));
    open.add(future);
    Phone laptop = phone("laptop.db", null).exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)");

    SyncException e = assertThrows(SyncException.class, () -> sync(laptop, future.space("s")));

    assertEquals("rejected", e.code());
    assertTrue(e.getMessage().contains("ahead of this server's clock"), e.getMessage());
    assertEquals(0, future.space("s").root().count());
    assertEquals(List.of(), future.space("s").vector(), "nothing of the batch was stored");
  }

  @Test
  void aDeviceThatMigratedMovesTheSpaceToItsSchema_andOneThatDidNotIsToldWhatDiffers_untilItMigrates()
      throws Exception {
    RelayStore relay = relay("space-m");
    Phone laptop = phone("laptop.db", "words").exec("INSERT INTO t VALUES ('a', 'x', 1.5, 3)");
    Phone phone = phone("phone.db", "words").exec("INSERT INTO t VALUES ('b', 'y', NULL, 4)");
    sync(laptop, relay);
    sync(phone, relay);

    laptop.exec("ALTER TABLE t ADD COLUMN note TEXT").exec("UPDATE t SET note = 'migrated' WHERE id = 'a'");
    sync(laptop, relay);
    phone.exec("UPDATE t SET a = 'edited before migrating' WHERE id = 'b'");

    SyncException refused = assertThrows(SyncException.class, () -> sync(phone, relay));
    assertEquals("schema", refused.code());
    assertTrue(refused.getMessage().contains("note") && refused.getMessage().contains("Migrate"),
        refused.getMessage());

    phone.exec("ALTER TABLE t ADD COLUMN note TEXT");
    sync(phone, relay);
    sync(laptop, relay);
    assertEquals(laptop.rows(), phone.rows());
    assertTrue(phone.rows().contains("b|'edited before migrating'|NULL|4"), "nothing was lost while refused");
    try (var r = phone.app.createStatement().executeQuery("SELECT note FROM t WHERE id = 'a'")) {
      assertTrue(r.next());
      assertEquals("migrated", r.getString(1));
    }
    assertEquals(root(laptop.store.root()), root(relay.root()));
    assertEquals(root(phone.store.root()), root(relay.root()));
  }

  // Compaction: the stable point, and tombstones dropped at or below it.

  @Test
  void theStablePointIsThePointwiseMinimumOfTheDevicesLastHellos_cappedAtTheRelay_andNeverGoesBack()
      throws Exception {
    RelayStore relay = relay("space-s");
    Phone laptop = phone("laptop.db", null);
    for (String id : List.of("a", "b", "c")) {
      laptop.exec("INSERT INTO t VALUES (?, 1, NULL, NULL)", id);
    }
    Phone phone = phone("phone.db", null);
    for (String id : List.of("d", "e", "f")) {
      phone.exec("INSERT INTO t VALUES (?, 2, NULL, NULL)", id);
    }
    relay.apply(laptop.store.changesFor(List.of(), 1000)); // no hellos yet: nothing is recorded of anyone
    relay.apply(phone.store.changesFor(List.of(), 1000));
    byte[] l = laptop.store.siteId();
    byte[] p = phone.store.siteId();
    long lTop = vector(relay.vector()).get(hex(l));
    long pTop = vector(relay.vector()).get(hex(p));
    assertTrue(lTop > 2 && pTop > 2, "each device wrote several versions: " + vector(relay.vector()));

    hello(relay, laptop, "laptop", List.of(new VectorEntry(l, 1), new VectorEntry(p, 1)));
    assertEquals(Map.of(hex(l), 1L, hex(p), 1L), vector(relay.stableVector()),
        "with one device known, the stable point is what it holds");
    hello(relay, phone, "phone", List.of(new VectorEntry(l, 2), new VectorEntry(p, pTop)));
    hello(relay, laptop, "laptop", List.of(new VectorEntry(l, lTop), new VectorEntry(p, 2)));
    assertEquals(Map.of(hex(l), 2L, hex(p), 2L), vector(relay.stableVector()), "the pointwise minimum");

    byte[] elsewhere = new byte[16]; // a site the relay has never heard of: nobody can be sure to hold it
    elsewhere[0] = 7;
    hello(relay, laptop, "laptop", List.of(new VectorEntry(l, lTop + 10), new VectorEntry(p, pTop + 5),
        new VectorEntry(elsewhere, 9)));
    hello(relay, phone, "phone", List.of(new VectorEntry(l, lTop + 3), new VectorEntry(p, pTop + 7),
        new VectorEntry(elsewhere, 4)));
    assertEquals(Map.of(hex(l), lTop, hex(p), pTop), vector(relay.stableVector()),
        "capped at the relay's own vector: devices may hold more than the relay");

    hello(relay, phone, "phone", List.of(new VectorEntry(l, 1))); // a device restored from an old backup
    assertEquals(Map.of(hex(l), lTop, hex(p), pTop), vector(relay.stableVector()), "it never goes back");

    Message stable = new SyncResponder(relay, SyncOptions.DEFAULTS)
        .respond(new dev.lattice.sync.wire.Stable(List.of(), laptop.store.root()), "laptop");
    assertEquals(vector(relay.stableVector()),
        vector(assertInstanceOf(dev.lattice.sync.wire.Stable.class, stable).vector()),
        "the relay answers a stable-point exchange with its own");
  }

  @Test
  void tombstonesAtOrBelowTheStablePointAreDropped_andTheRelayIsThenAsIfItNeverHadThem() throws Exception {
    RelayStore relay = relay("space-t");
    Phone laptop = phone("laptop.db", null);
    for (String id : List.of("a", "b", "c", "d")) {
      laptop.exec("INSERT INTO t VALUES (?, ?, NULL, 1)", id, "v" + id);
    }
    relay.apply(laptop.store.changesFor(List.of(), 1000));
    relay.root(); // the tree is built: dropping must patch it, not only the tables
    for (String id : List.of("a", "b", "c")) { // one death at a time: each its own version
      laptop.exec("DELETE FROM t WHERE id = ?", id);
    }
    relay.apply(laptop.store.changesFor(relay.vector(), 1000));
    List<Tombstone> dead = tombstones("space-t");
    assertEquals(3, dead.size(), "three deaths: " + dead);
    TreeRoot before = relay.root();
    Tombstone second = dead.get(1);
    byte[] l = laptop.store.siteId();

    hello(relay, laptop, "phone", List.of(new VectorEntry(l, second.seq()))); // the phone holds up to b's death
    hello(relay, laptop, "laptop", laptop.store.vector());

    assertEquals(Map.of(hex(l), second.seq()), vector(relay.stableVector()));
    assertEquals(List.of(dead.get(2)), tombstones("space-t"), "c's death is above the stable point: it stays");
    assertEquals(before.count() - 2, relay.root().count(), "a dead row is one item: its row cell");
    assertEquals(1, liveRows("space-t"), "the live row stays");
    assertEquals(root(rebuiltRoot("space-t")), root(relay.root()), "the tree follows the tables");

    Set<String> dropped = Set.of(dead.get(0).row(), dead.get(1).row());
    RelayStore never = relay("space-t-never");
    Changes all = laptop.store.changesFor(List.of(), 1000);
    never.apply(new Changes(all.senderVector(), all.covers(),
        all.envelopes().stream().filter(e -> !dropped.contains(hex(e.row()))).toList(), false));
    assertEquals(root(never.root()), root(relay.root()),
        "as a relay that never received the dropped tombstones");
  }

  @Test
  void withTheSpacesDevicesKnown_oneThatNeverSaidHelloHoldsTheStablePoint_andARevokedOneNoLonger()
      throws Exception {
    AtomicReference<Set<String>> active = new AtomicReference<>(Set.of("laptop", "phone", "tablet"));
    RelayStore relay = relay("space-r");
    db.knowMembers(space -> active.get());
    Phone laptop = phone("laptop.db", null).exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)")
        .exec("INSERT INTO t VALUES ('b', 1, NULL, NULL)").exec("DELETE FROM t WHERE id = 'a'");
    relay.apply(laptop.store.changesFor(List.of(), 1000));
    byte[] l = laptop.store.siteId();
    List<VectorEntry> all = laptop.store.vector();
    assertEquals(1, tombstones("space-r").size());

    hello(relay, laptop, "tablet", List.of(new VectorEntry(l, 1))); // a tablet that stopped syncing long ago
    hello(relay, laptop, "laptop", all);
    hello(relay, laptop, "a-stranger", all); // not a device of the space: counts for nothing
    assertEquals(Map.of(), vector(relay.stableVector()), "the phone never said hello: it may hold anything");

    hello(relay, laptop, "phone", all);
    assertEquals(Map.of(hex(l), 1L), vector(relay.stableVector()), "the tablet holds it back");
    assertEquals(1, tombstones("space-r").size());

    active.set(Set.of("laptop", "phone")); // the tablet is revoked
    hello(relay, laptop, "laptop", all);
    assertEquals(vector(all), vector(relay.stableVector()));
    assertEquals(List.of(), tombstones("space-r"), "every active device holds a's death");
    assertEquals(Set.of("laptop", "phone"), recordedPeers("space-r"), "the revoked device's vector is forgotten");
    assertEquals(root(rebuiltRoot("space-r")), root(relay.root()));
  }

  @Test
  void aCompactedRowsOldLifeAndItsTombstoneDoNotComeBack() throws Exception {
    RelayStore relay = relay("space-c");
    Phone laptop = phone("laptop.db", null).exec("INSERT INTO t VALUES ('a', 'old life', NULL, 5)")
        .exec("INSERT INTO t VALUES ('b', 1, NULL, NULL)");
    Changes oldLife = laptop.store.changesFor(List.of(), 1000); // as a device that never heard of the death has it
    relay.apply(oldLife);
    List<VectorEntry> beforeDeath = laptop.store.vector();
    laptop.exec("DELETE FROM t WHERE id = 'a'");
    Changes death = laptop.store.changesFor(beforeDeath, 1000);
    relay.apply(death);
    hello(relay, laptop, "laptop", laptop.store.vector());
    assertEquals(List.of(), tombstones("space-c"), "dropped: the only device holds the death");
    String compacted = root(relay.root());

    assertEquals(0, relay.apply(oldLife), "the old life is ignored");
    assertEquals(0, relay.apply(death), "so is the tombstone");

    assertEquals(compacted, root(relay.root()));
    assertEquals(List.of(), tombstones("space-c"));
    assertEquals(1, liveRows("space-c"), "only b");
    assertEquals(root(rebuiltRoot("space-c")), root(relay.root()));
  }

  @Test
  void withHellosRecordedOnceAnHour_aDevicesNextHelloWithinItIsNotRecorded() throws Exception {
    RelayStore relay = relay("space-i");
    db.recordDeviceVectorsEvery(java.time.Duration.ofHours(1));
    Phone laptop = phone("laptop.db", null).exec("INSERT INTO t VALUES ('a', 1, NULL, NULL)")
        .exec("INSERT INTO t VALUES ('b', 1, NULL, NULL)");
    relay.apply(laptop.store.changesFor(List.of(), 1000));
    byte[] l = laptop.store.siteId();

    hello(relay, laptop, "laptop", List.of(new VectorEntry(l, 1)));
    hello(relay, laptop, "laptop", List.of(new VectorEntry(l, 2)));

    assertEquals(Map.of(hex(l), 1L), vector(relay.stableVector()), "the second hello came within the hour");
  }

  @Test
  void anOldTombstoneReplayedAfterTheKeyLivesAgain_changesNothing() throws Exception {
    RelayStore relay = relay("space-d");
    Phone laptop = phone("laptop.db", null).exec("INSERT INTO t VALUES ('e', 'x', NULL, 3)")
        .exec("DELETE FROM t WHERE id = 'e'");
    Changes old = laptop.store.changesFor(List.of(), 1000); // e's tombstone, causal length 2
    relay.apply(old);
    hello(relay, laptop, "laptop", laptop.store.vector());
    assertEquals(List.of(), tombstones("space-d"));
    laptop.store.adoptStable(relay.stableVector());
    laptop.exec("INSERT INTO t VALUES ('e', 'again', NULL, NULL)"); // a new life, causal length 1 again
    relay.apply(laptop.store.changesFor(relay.vector(), 1000));
    TreeRoot alive = relay.root();
    assertEquals(root(laptop.store.root()), root(alive));

    assertEquals(0, relay.apply(old), "a replay of the old batch");

    assertEquals(1, liveRows("space-d"), "e lives");
    assertEquals(root(alive), root(relay.root()));
    assertEquals(root(rebuiltRoot("space-d")), root(relay.root()));
  }

  // Numbers for rows of numbered tables: the relay is each space's number source.

  private static final byte[] NOTES = "notes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAGS = "tags".getBytes(StandardCharsets.UTF_8);

  @Test
  void aCountersRangesRiseAndNeverOverlap() throws Exception {
    RelayStore relay = relay("space-n");

    assertEquals(List.of(1L), relay.allocate(List.of(ask(NOTES, 0, 3))), "1 to 3");
    assertEquals(List.of(4L), relay.allocate(List.of(ask(NOTES, 0, 5))), "4 to 8");
    assertEquals(List.of(9L), relay.allocate(List.of(ask(NOTES, 2, 1))), "a highest below the counter lowers nothing");
    assertEquals(List.of(10L), relay.allocate(List.of(ask(NOTES, 9, 4))), "a highest at the counter neither");
    assertEquals(Map.of("space-n/" + hex(NOTES), 13L), counters(db), "the last number handed out");
  }

  @Test
  void aCounterRisesToTheHighestAnAskReports_withACountOfZeroOrMore() throws Exception {
    RelayStore relay = relay("space-h");

    assertEquals(List.of(101L), relay.allocate(List.of(ask(NOTES, 100, 0))), "count 0: the next number, unused");
    assertEquals(List.of(101L), relay.allocate(List.of(ask(NOTES, 0, 2))), "the report handed out nothing");
    assertEquals(List.of(501L), relay.allocate(List.of(ask(NOTES, 500, 3))), "above the highest reported");
    assertEquals(List.of(504L), relay.allocate(List.of(ask(NOTES, 10, 0))), "a report below the counter");
    assertEquals(List.of(504L), relay.allocate(List.of(ask(NOTES, 0, 1))), "lowered nothing");
  }

  @Test
  void theCountersOfOtherTablesAndOtherSpacesAreIndependent() throws Exception {
    RelayStore one = relay("space-1");
    RelayStore two = relay("space-2");

    assertEquals(List.of(1L), one.allocate(List.of(ask(NOTES, 0, 10))));
    assertEquals(List.of(1L), one.allocate(List.of(ask(TAGS, 0, 1))), "another table's counter");
    assertEquals(List.of(1L), two.allocate(List.of(ask(NOTES, 0, 1))), "the same table's in another space");
    assertEquals(List.of(1001L), two.allocate(List.of(ask(TAGS, 1000, 0))));
    assertEquals(List.of(11L, 2L), one.allocate(List.of(ask(NOTES, 0, 1), ask(TAGS, 0, 1))), "untouched by space-2");
    assertEquals(Map.of("space-1/" + hex(NOTES), 11L, "space-1/" + hex(TAGS), 2L, "space-2/" + hex(NOTES), 1L,
        "space-2/" + hex(TAGS), 1000L), counters(db));
  }

  @Test
  void theAsksOfOneRequestAreAnsweredInTheirOrder() throws Exception {
    RelayStore relay = relay("space-o");
    byte[] third = "third".getBytes(StandardCharsets.UTF_8);

    assertEquals(List.of(1L, 51L, 8L), relay.allocate(List.of(ask(NOTES, 0, 2), ask(TAGS, 50, 1), ask(third, 7, 0))));
    assertEquals(List.of(8L, 3L, 52L), relay.allocate(List.of(ask(third, 0, 1), ask(NOTES, 0, 1), ask(TAGS, 0, 1))));
    assertEquals(List.of(), relay.allocate(List.of()));
  }

  @Test
  void concurrentRequests_onTwoInstancesOfOneDatabase_getDisjointRangesCoveringExactlyWhatWasAsked()
      throws Exception {
    RelayStore onFirst = relay("space-c");
    RelayDatabase second = reopenRelay(dir, "relay", java.time.Clock.systemUTC()); // the same database, again
    open.add(0, second);
    List<RelayStore> instances = List.of(onFirst, second.space("space-c"));
    int threadsPerInstance = 3;
    int requests = 15;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(threadsPerInstance * instances.size());
    List<Future<List<long[]>>> asked = new ArrayList<>(); // per thread: {counter (0 notes, 1 tags), first, count}
    try {
      for (int t = 0; t < threadsPerInstance * instances.size(); t++) {
        RelayStore relay = instances.get(t % instances.size());
        Random random = new Random(t);
        asked.add(threads.submit(() -> {
          List<long[]> ranges = new ArrayList<>();
          start.await();
          for (int i = 0; i < requests; i++) {
            int notes = 1 + random.nextInt(5);
            int tags = random.nextInt(3);
            List<Long> first = relay.allocate(List.of(ask(NOTES, 0, notes), ask(TAGS, 0, tags)));
            ranges.add(new long[] {0, first.get(0), notes});
            ranges.add(new long[] {1, first.get(1), tags});
          }
          return ranges;
        }));
      }
      start.countDown();
      List<Set<Long>> handedOut = List.of(new TreeSet<>(), new TreeSet<>());
      long[] total = new long[2];
      for (Future<List<long[]>> thread : asked) {
        for (long[] range : thread.get(60, TimeUnit.SECONDS)) {
          int counter = (int) range[0];
          total[counter] += range[2];
          for (long n = range[1]; n < range[1] + range[2]; n++) {
            assertTrue(handedOut.get(counter).add(n), "number " + n + " of counter " + counter + " handed out twice");
          }
        }
      }
      for (int counter = 0; counter < 2; counter++) {
        Set<Long> expected = new TreeSet<>();
        for (long n = 1; n <= total[counter]; n++) {
          expected.add(n);
        }
        assertEquals(expected, handedOut.get(counter), "counter " + counter + ": 1 to the sum of the counts, no gap");
      }
      assertEquals(Map.of("space-c/" + hex(NOTES), total[0], "space-c/" + hex(TAGS), total[1]), counters(db));
    } finally {
      start.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aRequestWhoseNumbersWouldPassTheLargestLongIsRefused_andChangesNothing() throws Exception {
    RelayStore relay = relay("space-x");
    long max = Long.MAX_VALUE;
    assertEquals(List.of(1L), relay.allocate(List.of(ask(NOTES, 0, 2))));

    // The ask's own highest leaves no room for its count, or with a count of 0 for the next number.
    SyncException high = assertThrows(SyncException.class,
        () -> relay.allocate(List.of(ask(NOTES, 0, 3), ask(TAGS, max - 1, 2))));
    assertEquals("rejected", high.code());
    assertTrue(high.getMessage().contains("largest number a row can have"), high.getMessage());
    assertEquals("rejected", assertThrows(SyncException.class,
        () -> relay.allocate(List.of(ask(TAGS, max, 0)))).code());

    // The counter leaves no room: the request's earlier asks are taken back with it.
    assertEquals(List.of(max - 9), relay.allocate(List.of(ask(TAGS, max - 10, 5))), "up to max - 5");
    SyncException full = assertThrows(SyncException.class,
        () -> relay.allocate(List.of(ask(NOTES, 0, 3), ask(TAGS, 0, 6))));
    assertEquals("rejected", full.code());
    assertTrue(full.getMessage().contains("its counter"), full.getMessage());
    assertEquals(Map.of("space-x/" + hex(NOTES), 2L, "space-x/" + hex(TAGS), max - 5), counters(db),
        "nothing changed");

    assertEquals(List.of(3L, max - 4), relay.allocate(List.of(ask(NOTES, 0, 1), ask(TAGS, 0, 5))),
        "the counter's last numbers, up to the largest long, are handed out");
    assertEquals("rejected", assertThrows(SyncException.class,
        () -> relay.allocate(List.of(ask(TAGS, 0, 0)))).code(), "then none is left, not even to report");
    assertEquals(Map.of("space-x/" + hex(NOTES), 3L, "space-x/" + hex(TAGS), max), counters(db));
  }

  @Test
  void theProtocolResponderAnswersARequestForNumbers_andARefusalAsAFailure() throws Exception {
    RelayStore relay = relay("space-p");
    SyncResponder responder = new SyncResponder(relay, SyncOptions.DEFAULTS);
    WireCodec codec = WireCodec.cbor(1 << 20);

    Message reply = codec.decode(responder.handle(codec.encode(new Allocate(List.of(ask(NOTES, 0, 3),
        ask(TAGS, 9, 1)))), "laptop"));
    Message refused = responder.respond(new Allocate(List.of(ask(NOTES, Long.MAX_VALUE, 0))), "laptop");

    assertEquals(new Allocated(List.of(1L, 10L), relay.siteId()), reply, "the relay names itself as the source");
    assertEquals("rejected", assertInstanceOf(Failure.class, refused).code());
    assertEquals(Map.of("space-p/" + hex(NOTES), 3L, "space-p/" + hex(TAGS), 10L), counters(db));
  }

  @Test
  void devicesNumberTheirRowsOfANumberedTableThroughTheRelay_andAgree() throws Exception {
    RelayStore relay = relay("space-e");
    Phone laptop = numbered("laptop.db").exec("INSERT INTO notes(body) VALUES ('laptop 1')")
        .exec("INSERT INTO notes(body) VALUES ('laptop 2')");
    Phone phone = numbered("phone.db").exec("INSERT INTO notes(body) VALUES ('phone 1')")
        .exec("INSERT INTO notes(body) VALUES ('phone 2')"); // the same numbers as the laptop's, before syncing

    sync(laptop, relay);
    sync(phone, relay);
    sync(laptop, relay);

    assertEquals(phone.notes(), laptop.notes());
    assertEquals(List.of("1|laptop 1", "2|laptop 2", "3|phone 1", "4|phone 2"), laptop.notes(),
        "the phone's rows moved above the laptop's, to numbers the relay handed out");
    assertEquals(1, counters(db).size(), "one counter: the table's, under a name the relay cannot read");
    assertEquals(4L, counters(db).values().iterator().next());
    assertEquals(root(laptop.store.root()), root(relay.root()));
  }

  private Phone numbered(String name) throws Exception {
    Phone p = Phone.numbered(dir, name, "words");
    open.add(p);
    return p;
  }

  private static Allocate.Ask ask(byte[] counter, long highest, int count) {
    return new Allocate.Ask(counter, highest, count);
  }

  /** Every counter of {@code relay}: {@code space/counter in hex} to the last number handed out. */
  private static Map<String, Long> counters(RelayDatabase relay) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = relay.connection();
        PreparedStatement p = c.prepareStatement("SELECT space, counter, value FROM relay_numbers");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        out.put(r.getString(1) + "/" + hex(r.getBytes(2)), r.getLong(3));
      }
    }
    return out;
  }

  /** One dead row on the relay: its id and its row version. */
  private record Tombstone(String row, String site, long seq) {}

  /** A device's hello, through the protocol responder as the server's sync route passes it on. */
  private static void hello(RelayStore relay, Phone like, String peer, List<VectorEntry> vector) throws Exception {
    Message reply = new SyncResponder(relay, SyncOptions.DEFAULTS).respond(new Hello(Message.PROTOCOL,
        like.store.siteId(), like.store.schemaFingerprint(), vector, like.store.root(), null, false, 1000, 1 << 20),
        peer);
    assertInstanceOf(Welcome.class, reply, () -> "the hello was answered with " + reply);
  }

  /** The space's dead rows, by row version. */
  private List<Tombstone> tombstones(String space) throws Exception {
    List<Tombstone> out = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT row, site, seq FROM relay_rows WHERE space = ?"
            + " AND cl % 2 = 0 ORDER BY seq")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new Tombstone(hex(r.getBytes(1)), hex(r.getBytes(2)), r.getLong(3)));
        }
      }
    }
    return out;
  }

  private int liveRows(String space) throws Exception {
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT count(*) FROM relay_rows WHERE space = ? AND cl % 2 = 1")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private Set<String> recordedPeers(String space) throws Exception {
    Set<String> out = new HashSet<>();
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT peer FROM relay_peer_vectors WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  /** The root of the space's tree built afresh from the tables. */
  private TreeRoot rebuiltRoot(String space) throws Exception {
    try (Connection c = db.connection()) {
      return RelayTree.build(c, space).root();
    }
  }

  private static Map<String, Long> vector(List<VectorEntry> vector) {
    Map<String, Long> out = new TreeMap<>();
    for (VectorEntry e : vector) {
      out.put(hex(e.site()), e.seq());
    }
    return out;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
