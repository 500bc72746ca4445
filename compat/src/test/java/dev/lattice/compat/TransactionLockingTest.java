package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions and locks: a connection in manual-commit mode holds nothing between its transactions, so what another
 * connection does between them neither fails nor hurries its next write; opening and reading write nothing.
 */
class TransactionLockingTest {
  private static final String SCHEMA = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v INTEGER)";

  @TempDir Path dir;

  private static void insert(Connection c, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO t(id, v) VALUES (?, 1)")) {
      p.setString(1, id);
      assertEquals(1, p.executeUpdate());
    }
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** A: manual commit, one transaction committed; B then commits a write; A writes again. */
  private void writeAfterAnotherCommitted(Db db, boolean firstTransactionReadsOnly) throws SQLException {
    try (Connection a = db.open(); Connection b = db.open()) {
      a.setAutoCommit(false);
      if (firstTransactionReadsOnly) {
        assertEquals(0, count(a));
      } else {
        insert(a, "a1");
      }
      a.commit();
      insert(b, "b1");
      insert(a, "a2"); // a new transaction: it starts from B's commit, so nothing is stale
      a.commit();
    }
    assertEquals(firstTransactionReadsOnly ? 2L : 3L, db.value("SELECT count(*) FROM t"));
  }

  @OnBothUrls
  void writeAfterCommit_succeeds_whenAnotherConnectionCommittedInBetween(Url url) throws SQLException {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    writeAfterAnotherCommitted(db, false);
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void writeAfterCommit_succeeds_whenAnotherConnectionCommittedInBetween_noTableTracked(Url url) throws SQLException {
    writeAfterAnotherCommitted(Db.create(dir, url, SCHEMA), false);
  }

  @OnBothUrls
  void writeAfterReadOnlyTransaction_succeeds_whenAnotherConnectionCommittedInBetween(Url url) throws SQLException {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    writeAfterAnotherCommitted(db, true);
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void writeAfterCommit_waitsOutAnotherConnectionsWriteLock_andSucceeds(Url url) throws Exception {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    try (Connection a = db.open(); Connection b = db.open()) {
      a.setAutoCommit(false);
      insert(a, "a1");
      a.commit();
      b.setAutoCommit(false);
      insert(b, "b1"); // B holds the write lock now, for 300 ms
      long start = System.nanoTime();
      CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(300);
          b.commit();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      insert(a, "a2");
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      a.commit();
      release.get(10, TimeUnit.SECONDS);
      assertTrue(waitedMs >= 200, "the write waited for B's lock (busy_timeout), took " + waitedMs + " ms");
    }
    assertEquals(3L, db.value("SELECT count(*) FROM t"));
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void afterCommit_theConnectionHoldsNoSnapshot_soACheckpointCompletes(Url url) throws SQLException {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    try (Connection a = db.open(); Connection b = db.open(); Observer observer = Observer.of(db)) {
      a.setAutoCommit(false);
      insert(a, "a1");
      a.commit();
      insert(b, "b1");
      assertFalse(observer.checkpointBlocked(), "no connection holds a read snapshot between transactions");
    }
    Captured.assertCapturedEqualsCommitted(db);
  }

  /**
   * Opens and closes a connection while another one (any tool's: a plain sqlite-jdbc one here) holds the write lock;
   * returns how long opening took.
   */
  private static long openWhileAnotherHoldsTheWriteLock(Db db, Observer observer) throws Exception {
    try (Connection holder = DriverManager.getConnection(Url.PLAIN.of(db.file()))) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeUpdate("UPDATE t SET v = v WHERE id = 'none'"); // takes the write lock, writes nothing
      }
      assertTrue(observer.writeLockHeld());
      CountDownLatch opened = new CountDownLatch(1);
      CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
        try {
          opened.await(3, TimeUnit.SECONDS); // bounds a failing run: opening would wait out the whole busy timeout
          holder.rollback();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long start = System.nanoTime();
      try {
        db.open().close();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      } finally {
        opened.countDown();
        release.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertOpeningWritesNothing(Db db) throws Exception {
    try (Observer observer = Observer.of(db)) {
      long before = observer.dataVersion();
      long openMs = openWhileAnotherHoldsTheWriteLock(db, observer);
      assertTrue(openMs < 1500, "opening must not wait for the write lock; took " + openMs + " ms");
      try (Connection opened = db.open()) {
        assertEquals(1L, Db.rows(opened, "SELECT count(*) FROM t").get(0).get(0));
      }
      assertEquals(before, observer.dataVersion(), "opening a connection committed nothing");
    }
  }

  @OnBothUrls
  void openingAConnection_writesNothing_afterTablesWereTracked(Url url) throws Exception {
    Db db = Db.create(dir, url, SCHEMA, "INSERT INTO t VALUES ('r1', 1)");
    db.track("t"); // and nothing since: the next connection opened is the first after lattice_track
    assertOpeningWritesNothing(db);
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void openingAConnection_writesNothing_afterAnotherToolCreatedAnUnrelatedTable(Url url) throws Exception {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    db.exec("INSERT INTO t VALUES ('r1', 1)");
    try (Connection tool = DriverManager.getConnection(Url.PLAIN.of(db.file()));
        Statement s = tool.createStatement()) {
      s.execute("CREATE TABLE unrelated(k TEXT PRIMARY KEY NOT NULL)"); // the sqlite3 shell, a migration tool...
    }
    assertOpeningWritesNothing(db);
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void aConnectionThatOnlyReads_writesNothing(Url url) throws SQLException {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    db.exec("INSERT INTO t VALUES ('r1', 1)", "INSERT INTO t VALUES ('r2', 2)", "UPDATE t SET v = 3 WHERE id = 'r1'");
    try (Observer observer = Observer.of(db); Connection reader = db.open()) {
      long before = observer.dataVersion();
      readEveryWay(reader);
      assertEquals(before, observer.dataVersion(), "a reader committed nothing");
    }
    Captured.assertCapturedEqualsCommitted(db);
  }

  /** A log of captured writes that is due for folding (written by a plain connection, which never folds). */
  @OnBothUrls
  void aConnectionThatOnlyReads_writesNothing_evenWithManyCapturedWritesPending(Url url) throws SQLException {
    Db db = Db.create(dir, url, SCHEMA);
    db.track("t");
    db.open().close(); // what opening does is openingAConnection_writesNothing_*'s business, not this test's
    try (Connection other = DriverManager.getConnection(Url.PLAIN.of(db.file()))) {
      other.setAutoCommit(false);
      try (PreparedStatement p = other.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < 25_000; i++) {
          p.setString(1, "k" + i);
          p.setInt(2, i);
          p.addBatch();
        }
        p.executeBatch();
      }
      other.commit();
    }
    try (Observer observer = Observer.of(db); Connection reader = db.open()) {
      long before = observer.dataVersion();
      readEveryWay(reader);
      assertEquals(before, observer.dataVersion(), "a reader committed nothing");
    }
    Captured.assertCapturedEqualsCommitted(db);
  }

  /** Reads in auto-commit mode and in transactions ended by commit and by rollback, through every execute method. */
  private static void readEveryWay(Connection reader) throws SQLException {
    for (int i = 0; i < 300; i++) { // past any "every n statements" check
      try (Statement s = reader.createStatement()) {
        s.executeQuery("SELECT * FROM t").close();
        assertTrue(s.execute("SELECT count(*) FROM t"));
      }
      try (PreparedStatement p = reader.prepareStatement("SELECT v FROM t WHERE id = ?")) {
        p.setString(1, "r1");
        p.executeQuery().close();
        assertTrue(p.execute());
      }
    }
    reader.setAutoCommit(false);
    Db.rows(reader, "SELECT * FROM t");
    reader.commit();
    Db.rows(reader, "SELECT * FROM t");
    reader.rollback();
    Db.rows(reader, "SELECT * FROM t");
    reader.setAutoCommit(true);
    reader.getMetaData().getTables(null, null, "%", null).close();
  }

  /** The changes view is Lattice's own: there is nothing to compare it with on jdbc:sqlite:. */
  @org.junit.jupiter.api.Test
  void changesView_showsAnInsertAndAnUpdate_rightAfterTheyCommit_withoutAFold() throws SQLException {
    Db db = Db.create(dir, Url.LATTICE, SCHEMA);
    db.track("t");
    String cell = "SELECT value, seq FROM lattice_changes WHERE table_name = 't' AND pk = ? AND column_name = 'v'";
    try (Connection c = db.open()) {
      insert(c, "auto");
      List<List<Object>> inserted = Db.rows(c, cell, "auto");
      assertEquals(1, inserted.size(), "the inserted row's cell, in auto-commit mode: " + inserted);
      assertEquals(1L, inserted.get(0).get(0));
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE t SET v = 2 WHERE id = 'auto'");
      }
      List<List<Object>> updated = Db.rows(c, cell, "auto");
      assertEquals(2L, updated.get(0).get(0));
      assertTrue((Long) updated.get(0).get(1) > (Long) inserted.get(0).get(1), "the update's version is newer");

      c.setAutoCommit(false);
      insert(c, "manual");
      c.commit();
      inserted = Db.rows(c, cell, "manual");
      assertEquals(1, inserted.size(), "the inserted row's cell, after commit(): " + inserted);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE t SET v = 5 WHERE id = 'manual'");
      }
      c.commit();
      updated = Db.rows(c, cell, "manual");
      assertEquals(5L, updated.get(0).get(0));
      assertTrue((Long) updated.get(0).get(1) > (Long) inserted.get(0).get(1), "the update's version is newer");
      c.commit();
    }
    Captured.assertCapturedEqualsCommitted(db);
  }
}
