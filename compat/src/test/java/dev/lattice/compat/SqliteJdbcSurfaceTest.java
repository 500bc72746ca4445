package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's own surface, as applications and frameworks call it: the same results and the same exceptions on both
 * URLs, and on LATTICE every committed write captured.
 */
class SqliteJdbcSurfaceTest {
  private static final String ITEMS = "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,"
      + " qty INTEGER NOT NULL CHECK (qty >= 0))";
  private static final String COUNTERS = "CREATE TABLE counters(id INTEGER PRIMARY KEY NOT NULL, label TEXT)";

  @TempDir Path dir;

  private static Db items(Url url, Path dir) throws SQLException {
    Db db = Db.create(dir, url, ITEMS, COUNTERS);
    db.track("items", "counters");
    return db;
  }

  private static List<List<Object>> all(Db db) throws SQLException {
    List<List<Object>> rows = new ArrayList<>(db.query("SELECT * FROM items ORDER BY id"));
    rows.addAll(db.query("SELECT * FROM counters ORDER BY id"));
    return rows;
  }

  @Test
  void executeBatch_returnsTheSameCounts_andAFailingBatchTheSameBatchUpdateException() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Outcome> seen = new ArrayList<>();
      try (Connection c = db.open(); Statement s = c.createStatement();
          PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
        s.addBatch("INSERT INTO items VALUES ('a', 'apple', 1)");
        s.addBatch("INSERT INTO items VALUES ('b', 'banana', 2)");
        s.addBatch("UPDATE items SET qty = qty + 10");
        s.addBatch("DELETE FROM items WHERE id = 'nothing'");
        seen.add(Outcome.of(() -> List.of(toList(s.executeBatch()))));
        for (int i = 0; i < 5; i++) {
          p.setString(1, "p" + i);
          p.setString(2, "pear " + i);
          p.setInt(3, i);
          p.addBatch();
        }
        seen.add(Outcome.of(() -> toList(p.executeBatch())));
        c.setAutoCommit(false);
        for (String id : new String[] {"q1", "a", "q2"}) { // 'a' exists: the batch stops there
          p.setString(1, id);
          p.setString(2, "quince");
          p.setInt(3, 3);
          p.addBatch();
        }
        seen.add(Outcome.of(() -> toList(p.executeBatch())));
        c.commit();
        s.addBatch("INSERT INTO counters(label) VALUES ('one')");
        s.addBatch("INSERT INTO counters(label) VALUES ('two')");
        seen.add(Outcome.of(() -> toList(s.executeLargeBatch())));
        c.commit();
      }
      seen.add(new Outcome(all(db), null));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
  }

  private static List<Long> toList(int[] counts) {
    List<Long> list = new ArrayList<>();
    for (int count : counts) {
      list.add((long) count);
    }
    return list;
  }

  private static List<Long> toList(long[] counts) {
    List<Long> list = new ArrayList<>();
    for (long count : counts) {
      list.add(count);
    }
    return list;
  }

  @Test
  void getGeneratedKeys_returnsTheSameKeys_throughEveryWayOfAskingForThem() throws Exception {
    List<Outcome> plain = Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Outcome> seen = new ArrayList<>();
      try (Connection c = db.open(); Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO counters(label) VALUES ('x')", Statement.RETURN_GENERATED_KEYS);
        seen.add(Outcome.of(() -> Db.rows(s.getGeneratedKeys())));
        try (PreparedStatement p = c.prepareStatement("INSERT INTO counters(label) VALUES (?)",
            Statement.RETURN_GENERATED_KEYS)) {
          p.setString(1, "y");
          p.executeUpdate();
          seen.add(Outcome.of(() -> Db.rows(p.getGeneratedKeys())));
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO counters(label) VALUES (?)", new String[] {"id"})) {
          p.setString(1, "z");
          p.executeUpdate();
          seen.add(Outcome.of(() -> Db.rows(p.getGeneratedKeys())));
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, 'x', 1)",
            Statement.RETURN_GENERATED_KEYS)) { // a rowid table with a TEXT key: the key generated is the rowid
          p.setString(1, "k1");
          p.executeUpdate();
          seen.add(Outcome.of(() -> Db.rows(p.getGeneratedKeys())));
        }
        seen.add(Outcome.of(() -> Db.rows(c, "SELECT last_insert_rowid(), changes()")));
      }
      seen.add(new Outcome(all(db), null));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
    assertEquals(List.of(List.of(3L)), plain.get(2).value(), "sqlite-jdbc's keys: " + plain);
  }

  /**
   * Update counts as every execute method reports them, for single-row and multi-row INSERT, UPDATE, DELETE and
   * upsert on a tracked table. sqlite-jdbc computes {@code Statement.executeUpdate(String)}'s count as the growth of
   * {@code total_changes()}, which counts rows written by triggers too, so this holds only if Lattice's capture
   * triggers are not counted as the application's rows.
   */
  @Test
  void updateCounts_areTheSame_forEveryWayOfExecutingAWrite() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Object> seen = new ArrayList<>();
      try (Connection c = db.open(); Statement s = c.createStatement()) {
        seen.add(List.of("executeUpdate(sql)", s.executeUpdate("INSERT INTO items VALUES ('a', 'x', 1)")));
        seen.add(List.of("executeUpdate(sql, keys)",
            s.executeUpdate("INSERT INTO items VALUES ('b', 'x', 1)", Statement.RETURN_GENERATED_KEYS)));
        seen.add(List.of("executeLargeUpdate(sql)",
            s.executeLargeUpdate("INSERT INTO items VALUES ('c', 'x', 1), ('d', 'x', 1)")));
        seen.add(List.of("execute(sql)", s.execute("UPDATE items SET qty = qty + 1"), s.getUpdateCount()));
        seen.add(List.of("executeUpdate(sql) upsert", s.executeUpdate(
            "INSERT INTO items VALUES ('a', 'y', 2) ON CONFLICT(id) DO UPDATE SET name = excluded.name")));
        seen.add(List.of("executeUpdate(sql) replace",
            s.executeUpdate("INSERT OR REPLACE INTO items VALUES ('b', 'z', 3)")));
        try (PreparedStatement p = c.prepareStatement("UPDATE items SET qty = qty + 1 WHERE id <> ?")) {
          p.setString(1, "a");
          seen.add(List.of("prepared executeUpdate()", p.executeUpdate()));
          seen.add(List.of("prepared execute()", p.execute(), p.getUpdateCount()));
        }
        c.setAutoCommit(false);
        seen.add(List.of("executeUpdate(sql) in a transaction", s.executeUpdate("DELETE FROM items WHERE id > 'b'")));
        c.commit();
        seen.add(List.of("executeUpdate(sql) that matches nothing", s.executeUpdate("DELETE FROM items WHERE 0")));
        c.commit();
      }
      seen.add(db.query("SELECT * FROM items ORDER BY id"));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
  }

  @Test
  void changesAndLastInsertRowid_sayTheSame_onATrackedTable() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      try (Connection c = db.open(); PreparedStatement p = c.prepareStatement(
          "INSERT INTO counters(label) VALUES ('a'), ('b')")) {
        p.executeUpdate();
        return Db.rows(c, "SELECT changes(), last_insert_rowid()");
      }
    });
  }

  /**
   * A documented difference (README, "Transactions and locking"): SQL's {@code total_changes()} counts the rows
   * triggers write, Lattice's capture log rows among them, and nothing can leave them out of it. Two rows inserted
   * into a tracked table add 2 on plain and 4 (2 rows, 2 log rows) on Lattice.
   */
  @Test
  void totalChanges_alsoCountsCaptureLogRows_onATrackedTable() throws Exception {
    for (Url url : Url.values()) {
      Db db = items(url, dir.resolve(url.name()));
      try (Connection c = db.open(); PreparedStatement p = c.prepareStatement(
          "INSERT INTO items VALUES ('a', 'apple', 1), ('b', 'banana', 2)")) {
        long before = (Long) Db.rows(c, "SELECT total_changes()").get(0).get(0);
        p.executeUpdate();
        long grown = (Long) Db.rows(c, "SELECT total_changes()").get(0).get(0) - before;
        assertEquals(url.isLattice() ? 4 : 2, grown, url.name());
      }
    }
  }

  @Test
  void returning_givesTheSameRows_forInsertUpdateAndDelete() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Object> seen = new ArrayList<>();
      try (Connection c = db.open()) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?) RETURNING id, qty * 2")) {
          p.setString(1, "a");
          p.setString(2, "apple");
          p.setInt(3, 4);
          try (ResultSet r = p.executeQuery()) {
            seen.add(Db.rows(r));
          }
        }
        seen.add(Db.rows(c, "INSERT INTO counters(label) VALUES ('one'), ('two') RETURNING id, label"));
        try (Statement s = c.createStatement()) {
          assertTrue(s.execute("UPDATE items SET qty = qty + 1 RETURNING qty"));
          seen.add(Db.rows(s.getResultSet()));
        }
        c.setAutoCommit(false);
        seen.add(Db.rows(c, "DELETE FROM counters WHERE label = 'one' RETURNING *"));
        c.commit();
        seen.add(Outcome.of(() -> Db.rows(c, "INSERT INTO items VALUES ('a', 'again', 1) RETURNING id")));
        c.commit();
      }
      seen.add(all(db));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
  }

  @OnBothUrls
  void savepoints_rollBackAndReleaseAsNamed_andCommitWhatIsLeft(Url url) throws SQLException {
    Db db = items(url, dir);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO items VALUES ('a', 'kept', 1)");
      Savepoint named = c.setSavepoint("outer");
      s.executeUpdate("INSERT INTO items VALUES ('b', 'kept', 1)");
      Savepoint unnamed = c.setSavepoint();
      s.executeUpdate("INSERT INTO items VALUES ('c', 'rolled back', 1)");
      s.executeUpdate("UPDATE items SET name = 'rolled back' WHERE id = 'a'");
      c.rollback(unnamed);
      c.releaseSavepoint(named);
      s.executeUpdate("INSERT INTO items VALUES ('d', 'kept', 1)");
      Savepoint last = c.setSavepoint("last");
      s.executeUpdate("DELETE FROM items");
      c.rollback(last);
      c.commit();
      c.setAutoCommit(true);
    }
    assertEquals(List.of(List.of("a", "kept"), List.of("b", "kept"), List.of("d", "kept")),
        db.query("SELECT id, name FROM items ORDER BY id"));
    Captured.assertCapturedEqualsCommitted(db);
  }

  @Test
  void setReadOnly_refusesOrAllowsAsSqliteJdbcDoes_andAReadOnlyConnectionRefusesWrites() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Outcome> seen = new ArrayList<>();
      try (Connection c = db.open()) {
        seen.add(Outcome.of(() -> {
          c.setReadOnly(true); // sqlite-jdbc: only with jdbc.explicit_readonly
          return c.isReadOnly();
        }));
      }
      try (Connection c = db.open("jdbc.explicit_readonly=true")) {
        seen.add(Outcome.of(() -> {
          c.setReadOnly(true);
          return c.isReadOnly();
        }));
        seen.add(Outcome.of(() -> c.prepareStatement("INSERT INTO items VALUES ('ro', 'x', 1)").executeUpdate()));
        seen.add(Outcome.of(() -> Db.rows(c, "SELECT count(*) FROM items")));
        c.setAutoCommit(false);
        seen.add(Outcome.of(() -> Db.rows(c, "SELECT count(*) FROM items")));
        seen.add(Outcome.of(() -> {
          c.setReadOnly(false); // the transaction has read: sqlite-jdbc refuses
          return c.isReadOnly();
        }));
        c.commit();
        c.setAutoCommit(true);
        seen.add(Outcome.of(() -> {
          c.setReadOnly(false);
          return c.isReadOnly();
        }));
        seen.add(Outcome.of(() -> c.prepareStatement("INSERT INTO items VALUES ('rw', 'x', 1)").executeUpdate()));
      }
      seen.add(new Outcome(all(db), null));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
  }

  /** After each step, whether another connection finds the write lock taken. */
  @OnBothUrls
  void transactionMode_decidesWhenTheWriteLockIsTaken(Url url) throws SQLException {
    Db db = items(url, dir);
    for (String mode : new String[] {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}) {
      List<Boolean> held = new ArrayList<>();
      try (Observer observer = Observer.of(db); Connection c = db.open("transaction_mode=" + mode)) {
        c.setAutoCommit(false);
        held.add(observer.writeLockHeld());
        Db.rows(c, "SELECT count(*) FROM items");
        held.add(observer.writeLockHeld());
        c.createStatement().executeUpdate("INSERT INTO items VALUES ('" + mode + "', 'x', 1)");
        held.add(observer.writeLockHeld());
        c.commit();
        held.add(observer.writeLockHeld());
        c.setAutoCommit(true);
        held.add(observer.writeLockHeld());
      }
      boolean upFront = !mode.equals("DEFERRED");
      assertEquals(List.of(upFront, upFront, true, upFront, false), held, mode);
    }
    assertEquals(3L, db.value("SELECT count(*) FROM items"));
    Captured.assertCapturedEqualsCommitted(db);
  }

  /** Runs a write on {@code c} while another connection holds the write lock for {@code holdMs}. */
  private static Outcome writeWhileLockedFor(Db db, Connection c, long holdMs) throws Exception {
    try (Connection holder = java.sql.DriverManager.getConnection(Url.PLAIN.of(db.file()))) {
      holder.setAutoCommit(false);
      holder.createStatement().executeUpdate("UPDATE items SET qty = qty WHERE id = 'none'");
      long start = System.nanoTime();
      CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(holdMs);
          holder.rollback();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Outcome outcome = Outcome.of(() -> c.prepareStatement("INSERT INTO items VALUES ('w', 'x', 1)").executeUpdate());
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      release.get(10, TimeUnit.SECONDS);
      return new Outcome(List.of(String.valueOf(outcome), tookMs), null);
    }
  }

  @OnBothUrls
  void busyTimeout_aWriteWaitsForAnotherWriter_andSucceedsWhenItFinishes(Url url) throws Exception {
    Db db = items(url, dir);
    try (Connection c = db.open()) {
      List<?> seen = (List<?>) writeWhileLockedFor(db, c, 300).value();
      assertEquals("returned 1", seen.get(0), "the write succeeded: " + seen);
      assertTrue((Long) seen.get(1) >= 200, "waited for the other writer: " + seen);
    }
    Captured.assertCapturedEqualsCommitted(db);
  }

  @OnBothUrls
  void busyTimeout_aWriteGivesUpWithSqliteBusy_afterTheTimeoutSet(Url url) throws Exception {
    Db db = items(url, dir);
    try (Connection c = db.open("busy_timeout=200")) {
      List<?> seen = (List<?>) writeWhileLockedFor(db, c, 1500).value();
      assertTrue(String.valueOf(seen.get(0)).contains("resultCode=[SQLITE_BUSY]"), "gave up: " + seen);
      long tookMs = (Long) seen.get(1);
      assertTrue(tookMs >= 150 && tookMs < 1400, "gave up after about 200 ms: " + seen);
    }
  }

  @Test
  void isValid_andNetworkTimeout_answerAlike() throws Exception {
    List<Outcome> plain = Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Outcome> seen = new ArrayList<>();
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        Connection c = db.open();
        seen.add(Outcome.of(() -> c.isValid(0)));
        seen.add(Outcome.of(() -> c.isValid(5)));
        seen.add(Outcome.of(c::getNetworkTimeout));
        seen.add(Outcome.of(() -> {
          c.setNetworkTimeout(executor, 5000);
          return c.getNetworkTimeout();
        }));
        seen.add(Outcome.of(() -> {
          c.setNetworkTimeout(null, 0);
          return c.getNetworkTimeout();
        }));
        c.close();
        seen.add(Outcome.of(() -> c.isValid(1)));
        seen.add(Outcome.of(c::isClosed));
      } finally {
        executor.shutdown();
      }
      return seen;
    });
    assertEquals(new Outcome(true, null), plain.get(0));
    assertEquals(new Outcome(false, null), plain.get(5));
  }

  @Test
  void aClosedConnection_throwsTheSameException() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      Connection c = db.open();
      c.close();
      c.close(); // twice is fine
      List<Outcome> seen = new ArrayList<>();
      seen.add(Outcome.of(c::createStatement));
      seen.add(Outcome.of(() -> c.prepareStatement("SELECT 1")));
      seen.add(Outcome.of(() -> {
        c.commit();
        return null;
      }));
      seen.add(Outcome.of(c::getAutoCommit));
      seen.add(Outcome.of(c::getMetaData));
      return seen;
    });
  }

  @Test
  void aClosedStatementAndResultSet_throwTheSameExceptions() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = items(url, dir);
      List<Outcome> seen = new ArrayList<>();
      try (Connection c = db.open()) {
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1");
        r.close();
        seen.add(Outcome.of(r::next));
        s.close();
        seen.add(Outcome.of(() -> s.executeQuery("SELECT 1").next()));
        seen.add(Outcome.of(s::isClosed));
      }
      return seen;
    });
  }

  /**
   * sqlite-jdbc ignores abort (its abort does nothing, and the connection stays open); Lattice implements JDBC's
   * abort: the connection is closed at once and released on the executor. A documented difference: see
   * LatticeConnection#abort.
   */
  @OnBothUrls
  void abort_isIgnoredBySqliteJdbc_andClosesALatticeConnection(Url url) throws Exception {
    Db db = items(url, dir);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Connection c = db.open()) {
      c.abort(executor);
      executor.shutdown();
      assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
      assertEquals(url.isLattice(), c.isClosed());
      assertEquals(!url.isLattice(), c.isValid(1));
    }
  }

  /**
   * Where sqlite-jdbc departs from JDBC, Lattice follows JDBC, on purpose (see LatticeConnection): a negative
   * {@code isValid} timeout is refused, and {@code prepareCall} throws {@link java.sql.SQLFeatureNotSupportedException},
   * a subclass of the plain SQLException sqlite-jdbc throws, so code catching sqlite-jdbc's still catches it.
   */
  @OnBothUrls
  void isValidWithANegativeTimeout_andPrepareCall_followJdbcOnLattice(Url url) throws Exception {
    Db db = items(url, dir);
    try (Connection c = db.open()) {
      Outcome negative = Outcome.of(() -> c.isValid(-1));
      assertEquals(url.isLattice(), negative.failed(), "isValid(-1): " + negative);
      Outcome call = Outcome.of(() -> c.prepareCall("SELECT 1"));
      assertTrue(call.failure().startsWith((url.isLattice() ? "java.sql.SQLFeatureNotSupportedException"
          : "java.sql.SQLException") + " sqlState=null errorCode=0"), "prepareCall: " + call);
    }
  }

  @Test
  void failingStatements_throwTheSameExceptions_andLeaveTheSameRows() throws Exception {
    Both.same(dir, (url, dir) -> {
      Db db = Db.create(dir, url, ITEMS, COUNTERS,
          "CREATE TABLE lines(id TEXT PRIMARY KEY NOT NULL, item TEXT NOT NULL REFERENCES items(id),"
              + " code TEXT UNIQUE)");
      db.track("items", "counters", "lines");
      List<Outcome> seen = new ArrayList<>();
      try (Connection c = db.open("foreign_keys=true")) {
        for (boolean autoCommit : new boolean[] {true, false}) {
          c.setAutoCommit(autoCommit);
          String p = autoCommit ? "a" : "m";
          for (String sql : new String[] {
              "INSERT INTO items VALUES ('" + p + "1', 'x', 1)",
              "INSERT INTO items VALUES ('" + p + "1', 'again', 1)",
              "INSERT INTO items VALUES ('" + p + "2', NULL, 1)",
              "INSERT INTO items VALUES ('" + p + "3', 'x', -1)",
              "UPDATE items SET qty = -5 WHERE id = '" + p + "1'",
              "INSERT INTO lines VALUES ('" + p + "l1', '" + p + "1', '" + p + "c')",
              "INSERT INTO lines VALUES ('" + p + "l2', '" + p + "1', '" + p + "c')",
              "INSERT INTO lines VALUES ('" + p + "l3', 'nowhere', NULL)",
              "DELETE FROM items WHERE id = '" + p + "1'",
              "INSERT INTO nowhere VALUES (1)",
              "INSERT INTO items VALUES ('" + p + "4', 'x')",
              "SELEC 1",
              "CREATE TABLE items(x)",
              "DROP TABLE nowhere",
              "ALTER TABLE nowhere ADD COLUMN y",
              "INSERT OR REPLACE INTO items VALUES ('" + p + "1', 'replaced', 2)",
              "INSERT INTO items VALUES ('" + p + "5', 'x', 5) ON CONFLICT(id) DO NOTHING",
              "INSERT INTO items VALUES ('" + p + "5', 'y', 6) ON CONFLICT(id) DO UPDATE SET qty = excluded.qty"}) {
            seen.add(Outcome.of(() -> { // counts are updateCounts_*'s business: here, whether it ran or what it threw
              try (Statement statement = c.createStatement()) {
                statement.execute(sql);
                return "ran";
              }
            }));
          }
          if (!autoCommit) {
            c.commit();
          }
        }
        c.setAutoCommit(true);
      }
      seen.add(new Outcome(db.query("SELECT * FROM items ORDER BY id"), null));
      seen.add(new Outcome(db.query("SELECT * FROM lines ORDER BY id"), null));
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
  }

  @OnBothUrls
  void getUrl_isTheUrlTheApplicationOpened(Url url) throws SQLException {
    Db db = items(url, dir);
    try (Connection c = db.open()) {
      assertEquals(db.urlString(), c.getMetaData().getURL());
    }
  }

  @OnBothUrls
  void rollback_undoesTheTransaction_andLeavesNothingCaptured(Url url) throws SQLException {
    Db db = items(url, dir);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO items VALUES ('kept', 'x', 1)");
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO items VALUES ('gone', 'x', 1)");
      s.executeUpdate("UPDATE items SET qty = 9");
      s.executeUpdate("DELETE FROM items WHERE id = 'kept'");
      c.rollback();
      assertFalse(c.getAutoCommit());
      c.setAutoCommit(true);
    }
    assertEquals(List.of(List.of("kept", "x", 1L)), db.query("SELECT * FROM items"));
    Captured.assertCapturedEqualsCommitted(db);
  }
}
