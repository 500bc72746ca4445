package dev.lattice.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.sync.serving.PeerHost;
import dev.lattice.sync.serving.PeerServer;
import dev.lattice.sync.session.Device;
import dev.lattice.sync.session.SyncOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application writes from many threads through a HikariCP pool of driver connections while continuous sync runs
 * and merges the peer's writes into the same file: the application sees no "database is locked" failure (each write
 * waits within SQLite's busy timeout), no captured write is lost, and its transactions stay whole while merges land
 * between them.
 */
class PooledWritersDuringSyncTest {
  private static final int PHONE_THREADS = 6;
  private static final int LAPTOP_THREADS = 2;
  private static final int TRANSACTIONS = 40;
  private static final int ROWS_PER_TRANSACTION = 3;

  @TempDir Path dir;

  @Test
  void pooledWritersAndContinuousSync_loseNothing_failNothing_andKeepTransactionsWhole() throws Exception {
    try (Device laptop = Device.create(dir, "laptop.db"); Device phone = Device.create(dir, "phone.db");
        PeerHost host = PeerHost.start(laptop.store, PeerServer.Options.defaults(), SyncOptions.DEFAULTS);
        SyncClient client = SyncClient.builder(phone.store, host.uri()).watchInterval(Duration.ofMillis(5))
            .retry(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        HikariDataSource phonePool = pool(phone.file); HikariDataSource laptopPool = pool(laptop.file)) {
      client.start();
      long live = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (client.status().state() != SyncStatus.State.LIVE && System.nanoTime() < live) {
        Thread.sleep(10);
      }
      assertEquals(SyncStatus.State.LIVE, client.status().state());
      ExecutorService threads = Executors.newFixedThreadPool(PHONE_THREADS + LAPTOP_THREADS + 1);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong torn = new AtomicLong();
      AtomicLong mergedWhileWriting = new AtomicLong();
      AtomicLong committed = new AtomicLong();
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < PHONE_THREADS; t++) {
        // The phone writes on until the laptop's rows have been merged in while it writes (at most 20 s).
        writers.add(threads.submit(writer(phonePool, "phone-" + t, committed, () -> mergedWhileWriting.get() > 0)));
      }
      for (int t = 0; t < LAPTOP_THREADS; t++) {
        writers.add(threads.submit(writer(laptopPool, "laptop-" + t, committed, () -> true)));
      }
      Future<?> watcher = threads.submit(() -> {
        while (writing.get()) {
          torn.addAndGet(tornTransactions(phonePool, "phone-%"));
          mergedWhileWriting.accumulateAndGet(countLike(phonePool, "laptop-%"), Math::max);
        }
        return null;
      });

      for (Future<?> w : writers) {
        w.get(); // rethrows an application write's failure, "database is locked" included
      }
      writing.set(false);
      watcher.get();
      threads.shutdown();

      long expected = committed.get() * ROWS_PER_TRANSACTION;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && !(count(phone) == expected && laptop.rows().equals(phone.rows()))) {
        Thread.sleep(50);
      }
      assertEquals(expected, count(phone), "every committed write reached the phone");
      assertEquals(laptop.rows(), phone.rows());
      assertEquals(0, torn.get(), "no transaction of the phone's own was ever seen in part");
      assertTrue(mergedWhileWriting.get() > 0, "the laptop's rows were merged while the phone's threads wrote");
      assertEquals(0, tornTransactions(phonePool, "%"), "every transaction arrived whole in the end");
      client.syncNow();
      assertEquals(laptop.root(), phone.root());
      assertTrue(client.status().pendingLocalWrites() == 0, "every local write acknowledged by the peer");
    }
  }

  private static HikariDataSource pool(Path file) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:lattice:sqlite:" + file + "?lattice.foldThreshold=500");
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /**
   * Transactions of three rows each, tagged with the transaction in column a: {@value #TRANSACTIONS} of them, then
   * more until {@code enough} holds.
   */
  private static java.util.concurrent.Callable<Void> writer(HikariDataSource pool, String name, AtomicLong committed,
      java.util.function.BooleanSupplier enough) {
    return () -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i = 0; i < TRANSACTIONS || (!enough.getAsBoolean() && System.nanoTime() < deadline); i++) {
        try (Connection c = pool.getConnection()) {
          c.setAutoCommit(false);
          try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(id, a, b) VALUES (?, ?, ?)")) {
            for (int k = 0; k < ROWS_PER_TRANSACTION; k++) {
              insert.setString(1, name + "-" + i + "-" + k);
              insert.setString(2, name + "-" + i);
              insert.setDouble(3, k);
              insert.executeUpdate();
            }
          }
          try (PreparedStatement update = c.prepareStatement("UPDATE t SET b = b + 10 WHERE a = ?")) {
            update.setString(1, name + "-" + i);
            update.executeUpdate();
          }
          c.commit();
          c.setAutoCommit(true);
          committed.incrementAndGet();
        }
        Thread.sleep(2); // an application's pace, so that pushes and merges land between its transactions
      }
      return null;
    };
  }

  /** Transactions of which some, but not all, rows are visible, among rows whose id matches {@code like}. */
  private static long tornTransactions(HikariDataSource pool, String like) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT count(*) FROM (SELECT a FROM t WHERE id LIKE ? GROUP BY a"
            + " HAVING count(*) <> " + ROWS_PER_TRANSACTION + " OR min(b) < 10)")) {
      p.setString(1, like);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static long countLike(HikariDataSource pool, String like) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT count(*) FROM t WHERE id LIKE ?")) {
      p.setString(1, like);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static long count(Device device) throws SQLException {
    try (Statement s = device.app.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
      r.next();
      return r.getLong(1);
    }
  }
}
