package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions and locks as an application sees them, on both URLs: whatever plain sqlite-jdbc does, the Lattice
 * driver does too. Each test runs on {@code jdbc:sqlite:} and on {@code jdbc:lattice:sqlite:} over the same settings
 * ({@code journal_mode=WAL}, {@code busy_timeout=10000}), on a file whose table {@code t} is tracked (on both URLs: the
 * triggers are in the file, whoever writes).
 */
class TransactionsAndLocksTest {
  private static final String SETTINGS = "?journal_mode=WAL&busy_timeout=10000";

  @TempDir Path dir;
  private final ExecutorService other = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    other.shutdownNow();
  }

  private Path file() {
    return dir.resolve("app.db");
  }

  private Connection open(String prefix) throws SQLException {
    return DriverManager.getConnection(prefix + file() + SETTINGS);
  }

  /** A file with table {@code t}; tracked unless {@code tracked} is false. */
  private void prepare(boolean tracked) throws SQLException {
    try (Connection c = open("jdbc:lattice:sqlite:"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v INTEGER)");
      s.execute("INSERT INTO t VALUES ('a', 0)");
      if (tracked) {
        s.execute("SELECT lattice_track('t')");
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void aCommittedConnection_writesAfterAnotherConnectionCommitted(String prefix) throws SQLException {
    for (boolean tracked : new boolean[] {true, false}) {
      prepareFresh(tracked);
      try (Connection app = open(prefix); Connection neighbour = open("jdbc:sqlite:")) {
        app.setAutoCommit(false);
        exec(app, "UPDATE t SET v = v + 1 WHERE id = 'a'");
        app.commit();
        one(app, "SELECT count(*) FROM t"); // a read-only transaction, committed
        app.commit();
        exec(neighbour, "INSERT INTO t VALUES ('n', 1)");

        exec(app, "INSERT INTO t VALUES ('b', 2)"); // plain sqlite-jdbc writes here, so must Lattice
        app.commit();
        assertEquals(3, one(app, "SELECT count(*) FROM t"), "tracked=" + tracked);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void aCommittedConnection_waitsOutABusyWriter(String prefix) throws Exception {
    prepare(true);
    try (Connection app = open(prefix)) {
      app.setAutoCommit(false);
      exec(app, "UPDATE t SET v = v + 1 WHERE id = 'a'");
      app.commit();

      Future<?> writer = holdTheWriteLock(300);
      long start = System.nanoTime();
      exec(app, "INSERT INTO t VALUES ('b', 2)");
      app.commit();
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      writer.get();
      assertTrue(waited >= 200, "waited for the writer: " + waited + " ms");
      assertEquals(2, one(app, "SELECT count(*) FROM t WHERE id IN ('b', 'w')"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void schemaChangesInATransaction_waitOutABusyWriter(String prefix) throws Exception {
    prepare(true);
    try (Connection app = open(prefix)) {
      app.setAutoCommit(false);
      Future<?> writer = holdTheWriteLock(300);
      exec(app, "CREATE TABLE u(id TEXT PRIMARY KEY NOT NULL)");
      exec(app, "ALTER TABLE t ADD COLUMN w TEXT");
      app.commit();
      writer.get();
      exec(app, "INSERT INTO t VALUES ('c', 3, 'x')");
      app.commit();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void openingAndReading_writeNothing_evenWhileAnotherConnectionWrites(String prefix) throws Exception {
    prepare(true);
    try (Connection plain = open("jdbc:sqlite:")) {
      exec(plain, "CREATE TABLE unrelated(x)"); // a schema change that concerns no tracked table
    }
    try (Connection watcher = open("jdbc:sqlite:")) {
      long before = one(watcher, "PRAGMA data_version");
      Future<?> writer = holdTheWriteLock(1_000);
      long start = System.nanoTime();
      try (Connection reader = open(prefix)) {
        assertEquals(1, one(reader, "SELECT count(*) FROM t"));
        reader.setAutoCommit(false);
        assertEquals(1, one(reader, "SELECT count(*) FROM t"));
        reader.commit();
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(took < 500, "opened and read without waiting for the writer: " + took + " ms");
      writer.get();
      assertEquals(before + 1, one(watcher, "PRAGMA data_version"), "only the writer's commit changed the file");
    }
  }

  @Test
  void theChangesView_showsEveryCommittedWrite_withoutAFold() throws SQLException {
    prepare(true);
    try (Connection app = open("jdbc:lattice:sqlite:")) {
      app.setAutoCommit(false);
      exec(app, "UPDATE t SET v = 5 WHERE id = 'a'");
      exec(app, "INSERT INTO t VALUES ('b', 7)");
      app.commit();
      try (Connection reader = open("jdbc:lattice:sqlite:")) {
        assertEquals(5, one(reader, "SELECT value FROM lattice_changes WHERE pk = 'a' AND column_name = 'v'"));
        assertEquals(7, one(reader, "SELECT value FROM lattice_changes WHERE pk = 'b' AND column_name = 'v'"));
        long updated = one(reader, "SELECT seq FROM lattice_changes WHERE pk = 'a' AND column_name = 'v'");
        long inserted = one(reader, "SELECT seq FROM lattice_changes WHERE pk = 'b' AND column_name IS NULL");
        assertEquals(inserted - 1, updated, "the update's version, then the insert's");
        assertTrue(one(reader, "SELECT count(*) FROM lattice_log WHERE op <> 0") > 0, "nothing was folded");
      }
    }
  }

  private void prepareFresh(boolean tracked) throws SQLException {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      file().resolveSibling(file().getFileName() + suffix).toFile().delete();
    }
    prepare(tracked);
  }

  /** Another connection takes the write lock, writes a row and holds it for {@code millis} before committing. */
  private Future<?> holdTheWriteLock(long millis) throws InterruptedException {
    CountDownLatch locked = new CountDownLatch(1);
    Future<?> writer = other.submit(() -> {
      try (Connection c = open("jdbc:sqlite:")) {
        exec(c, "BEGIN IMMEDIATE");
        exec(c, "INSERT INTO t(id, v) VALUES ('w', 9)");
        locked.countDown();
        Thread.sleep(millis);
        exec(c, "COMMIT");
      }
      return null;
    });
    assertTrue(locked.await(10, TimeUnit.SECONDS));
    return writer;
  }
}
