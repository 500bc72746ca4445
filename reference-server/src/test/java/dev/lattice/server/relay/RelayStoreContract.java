package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncReport;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.wire.TreeRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
