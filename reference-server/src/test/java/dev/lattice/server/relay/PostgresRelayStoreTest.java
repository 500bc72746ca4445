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

  private static void sync(Phone phone, RelayStore relay) throws Exception {
    SyncSession.run(phone.store, new InMemoryTransport(new SyncResponder(relay, SyncOptions.DEFAULTS)),
        SyncOptions.DEFAULTS);
  }

  @Override
  List<Path> storageFiles(Path dir) throws Exception {
    return TestPostgres.files(database);
  }
}
