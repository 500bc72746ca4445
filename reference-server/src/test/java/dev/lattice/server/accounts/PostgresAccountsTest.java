package dev.lattice.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.TestPostgres;
import dev.lattice.server.relay.RelayDatabase;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.server.storage.ServerDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AccountsTest} on PostgreSQL, and what only a database shared by several instances can show. */
class PostgresAccountsTest extends AccountsTest {
  private final String database = TestPostgres.newDatabase("accounts");

  @Override
  ServerDatabase openDatabase() {
    return open(database);
  }

  @Override
  String storedBytes() throws Exception {
    StringBuilder all = new StringBuilder();
    for (Path file : TestPostgres.files(database)) {
      all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }
    return all.toString();
  }

  private static ServerDatabase open(String database) {
    return ServerDatabase.openPostgres(TestPostgres.url(database), TestPostgres.USER, TestPostgres.PASSWORD);
  }

  @Test
  void aRevocationOnOneInstanceIsHeardOnTheOthers() throws Exception {
    DeviceIdentity laptop = firstDevice();
    Accounts other = secondInstance();
    List<DeviceIdentity> heardThere = new CopyOnWriteArrayList<>();
    try (ClusterFeed.Subscription subscription = other.onRevoked(listener(heardThere))) {
      accounts.revoke(laptop.spaceId(), laptop.deviceId());

      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (heardThere.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(List.of(laptop), heardThere);
      assertTrue(db.feed().isListening());
    }
  }

  @Test
  void instancesStartingTogetherOnAnEmptyDatabaseCreateItsTablesOnce() throws Exception {
    String empty = TestPostgres.newDatabase("empty");
    int instances = 4;
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    List<ServerDatabase> databases = new CopyOnWriteArrayList<>();
    List<RelayDatabase> relays = new CopyOnWriteArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        starts.add(threads.submit(() -> {
          go.await();
          ServerDatabase instance = open(empty);
          databases.add(instance);
          Accounts.open(instance, Clock.systemUTC(), Duration.ofDays(1), Duration.ofMinutes(1));
          relays.add(RelayDatabase.in(instance, Clock.systemUTC()));
          return null;
        }));
      }
      go.countDown();
      for (Future<?> start : starts) {
        start.get(60, TimeUnit.SECONDS); // a failed CREATE TABLE IF NOT EXISTS race would throw here
      }
      assertEquals(AccountsSchema.VERSION, (int) databases.get(0).read(AccountsSchema::version));
    } finally {
      threads.shutdownNow();
      relays.forEach(RelayDatabase::close);
      databases.forEach(ServerDatabase::close);
    }
  }
}
