package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.TestPostgres;
import dev.lattice.server.storage.Dialect;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.wire.TreeRoot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay on a real PostgreSQL (the test run's {@link TestPostgres}). */
class PostgresRelayStoreTest extends RelayStoreContract {
  /** The database of the last relay opened, for the plaintext scan. */
  private String database;
  /** The databases made for the contract's relays, by their names there. */
  private final Map<String, String> databases = new HashMap<>();

  @Override
  RelayDatabase openRelay(Path dir, String name, Clock clock) throws Exception {
    database = TestPostgres.newDatabase(name);
    databases.put(name, database);
    return instance(database, clock);
  }

  @Override
  void placeVersion1(Path dir, String name) throws Exception {
    String made = TestPostgres.newDatabase(name);
    databases.put(name, made);
    try (Connection c = DriverManager.getConnection(TestPostgres.url(made), TestPostgres.USER,
        TestPostgres.PASSWORD)) {
      RelayV1Fixture.createLayout(c, Dialect.POSTGRES);
      RelayV1Fixture.copyRows(dir, c);
    }
  }

  @Override
  RelayDatabase reopenRelay(Path dir, String name, Clock clock) throws Exception {
    database = databases.get(name);
    return instance(database, clock);
  }

  private static RelayDatabase instance(String database, Clock clock) throws Exception {
    return RelayDatabase.openPostgres(TestPostgres.url(database), TestPostgres.USER, TestPostgres.PASSWORD, clock);
  }

  @Test
  void twoServerInstancesOnOneDatabaseServeTheSameSpaceAndHearEachOthersCommits(@TempDir Path dir)
      throws Exception {
    String database = TestPostgres.newDatabase("shared");
    try (RelayDatabase a = instance(database, Clock.systemUTC());
        RelayDatabase b = instance(database, Clock.systemUTC());
        Phone laptop = Phone.create(dir, "laptop.db", "words");
        Phone phone = Phone.create(dir, "phone.db", "words")) {
      RelayStore onA = a.space("space");
      RelayStore onB = b.space("space");
      CountDownLatch heard = new CountDownLatch(1);
      onB.root(); // B has built its tree: A's commit must make it stale
      try (AutoCloseable listening = onB.onCommit(heard::countDown)) {
        laptop.exec("INSERT INTO t VALUES ('a', 'from the laptop', NULL, 1)");
        sync(laptop, onA);

        assertTrue(heard.await(5, TimeUnit.SECONDS), "instance B heard of A's commit");
      }
      sync(phone, onB);

      assertEquals(laptop.rows(), phone.rows());
      assertEquals(onA.root().count(), onB.root().count());
      assertArrayEquals(onA.root().digest(), onB.root().digest(), "both instances' trees describe the same state");
    }
  }

  @Test
  void anotherInstancesCommitsUpdateTheTreeRowByRowWithoutARebuild(@TempDir Path dir) throws Exception {
    String database = TestPostgres.newDatabase("follow");
    try (RelayDatabase a = instance(database, Clock.systemUTC());
        RelayDatabase b = instance(database, Clock.systemUTC());
        Phone laptop = Phone.create(dir, "laptop.db", "words");
        Phone phone = Phone.create(dir, "phone.db", "words")) {
      RelayStore onA = a.space("space");
      RelayStore onB = b.space("space");
      laptop.exec("INSERT INTO t VALUES ('a', 'first', NULL, 1)");
      sync(laptop, onA);
      onB.root(); // B builds its tree once
      assertEquals(1, onB.transactions().builds());

      // Every kind of change through A: new rows, an update, a counter, a delete, a row brought back to life.
      laptop.exec("INSERT INTO t VALUES ('b', 'second', 2.5, 2)").exec("INSERT INTO t VALUES ('c', 'third', NULL, 3)");
      sync(laptop, onA);
      laptop.exec("UPDATE t SET a = 'changed', n = n + 5 WHERE id = 'a'").exec("DELETE FROM t WHERE id = 'b'");
      sync(laptop, onA);
      laptop.exec("INSERT INTO t VALUES ('b', 'again', NULL, 7)").exec("DELETE FROM t WHERE id = 'c'");
      sync(laptop, onA);

      TreeRoot expected = onA.root();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sameRoot(expected, onB.root()) && System.nanoTime() < until) {
        Thread.sleep(20); // B hears A's notices on its feed's thread, then reads the rows they name
      }
      assertTrue(sameRoot(expected, onB.root()), "B's tree followed A's commits");
      assertEquals(1, onB.transactions().builds(), "without being rebuilt");

      // And B's tree serves: a device syncing through B agrees with the laptop, and B's writes reach A's tree.
      sync(phone, onB);
      assertEquals(laptop.rows(), phone.rows());
      phone.exec("INSERT INTO t VALUES ('d', 'from the phone', NULL, 1)");
      sync(phone, onB);
      TreeRoot fromB = onB.root();
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sameRoot(fromB, onA.root()) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertTrue(sameRoot(fromB, onA.root()), "A's tree followed B's commit");
      assertEquals(1, onA.transactions().builds(), "A built its tree once too");
    }
  }

  private static boolean sameRoot(TreeRoot x, TreeRoot y) {
    return x.count() == y.count() && java.util.Arrays.equals(x.digest(), y.digest());
  }

  private static void sync(Phone phone, RelayStore relay) throws Exception {
    SyncSession.run(phone.store, new InMemoryTransport(new SyncResponder(relay, SyncOptions.DEFAULTS)),
        SyncOptions.DEFAULTS);
  }

  @Override
  List<Path> storageFiles(Path dir) throws Exception {
    return TestPostgres.files(database);
  }
}
