package dev.lattice.sync.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.store.Encryption;
import dev.lattice.sync.store.ReplicaStore;
import dev.lattice.sync.transport.InMemoryTransport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * Issue 8, disk full and read-only files. A full disk is simulated with SQLite's own limit, {@code PRAGMA
 * max_page_count}: a write that needs a page beyond it fails with SQLITE_FULL, the same code path as a full disk
 * (these tests run as root in CI, where mounting a tiny filesystem needs privileges CI does not repeat). A read-only
 * file is opened read-only ({@link SQLiteConfig#setReadOnly}): {@code chmod 0444} does not stop root.
 */
class DiskFullAndReadOnlyTest {
  private static final int UNLIMITED = 1_073_741_823;

  @TempDir Path dir;

  @Test
  void diskFull_failsTheWriteWithSqliteFull_corruptsNothing_andWritesAndSyncResumeOnceSpaceIsBack() throws Exception {
    try (Connection a = replica("a.db", ""); Connection b = replica("b.db", "")) {
      Workload model = new Workload("v", 8, Workload.SMALL, false);
      writeTransactions(a, model, 20);
      writeTransactions(b, new Workload("p", 9, new Workload.Shape(3000, 1, 1, 2000, false), false), 3);
      SiteId self = Replica.of(a).siteId();
      long committed = model.transactionsGenerated();

      limitPages(a, 2);
      SQLException full = null;
      Workload attempt = new Workload("v", 8, Workload.SMALL, false).replay((int) committed);
      for (int i = 0; i < 1000 && full == null; i++) {
        VersionVector before = Replica.of(a).versionVector();
        try {
          Workload.run(a, attempt.nextTransaction());
          model.nextTransaction();
          committed++;
        } catch (SQLException e) {
          full = e;
          assertEquals(before, Replica.of(a).versionVector(), "the failed transaction left no capture behind");
        }
      }
      assertFull(full);
      assertIntact(a, model, "after a write hit a full disk");

      SQLException mergeFull = assertThrows(SQLException.class, () -> Replica.of(a).syncWith(Replica.of(b)));
      assertFull(mergeFull);
      assertIntact(a, model, "after a merge hit a full disk");
      assertHoldsOnlyWhatItsVectorCovers(a, b);

      limitPages(a, -1);
      Workload.run(a, model.nextTransaction());
      assertIntact(a, model, "after space came back");
      assertTrue(Replica.of(a).versionVector().get(self) > 0);
      Replica.of(a).syncWith(Replica.of(b));
      assertEquals(Workload.tableRows(b, ""), Workload.tableRows(a, ""));
      assertEquals(Replica.of(b).versionVector(), Replica.of(a).versionVector());
      assertEquals(Replica.of(b).merkleRoot(), Replica.of(a).merkleRoot());
      assertEquals(0, Replica.of(a).syncWith(Replica.of(b)).cellsApplied(), "nothing applied twice");
    }
  }

  @Test
  void diskFull_withFrequentFolds_aTransactionReportedFailedIsNeverCommitted_andNothingIsCorrupted() throws Exception {
    try (Connection a = replica("a.db", "?lattice.foldThreshold=50")) {
      Workload model = new Workload("v", 10, Workload.SMALL, false);
      writeTransactions(a, model, 5);
      limitPages(a, 1);
      for (int i = 0; i < 2000; i++) {
        List<Workload.Op> ops = model.nextTransaction();
        Object marker = ops.get(ops.size() - 1).args().get(0);
        try {
          Workload.run(a, ops);
        } catch (SQLException e) {
          assertFull(e);
          assertEquals(0, one(a, "SELECT count(*) FROM tx WHERE id = '" + marker + "'"), "the transaction failed ("
              + e.getMessage() + ") but is committed: the application would retry it or report it lost");
          limitPages(a, -1);
          Audit.integrity(a, "after the disk was full");
          Audit.metadataMatchesTables(a, "after the disk was full");
          return;
        }
      }
      throw new AssertionError("no transaction hit the page limit");
    }
  }

  @Test
  void readOnlyFile_readsWork_aWriteFailsClearly_andASyncIntoItFailsClearlyWithoutChangingIt() throws Exception {
    Workload model = new Workload("v", 11, Workload.SMALL, false);
    try (Connection a = replica("a.db", "?lattice.foldThreshold=0")) {
      writeTransactions(a, model, 20); // the log is left unfolded
    }
    try (Connection b = replica("b.db", "")) {
      writeTransactions(b, new Workload("p", 12, Workload.SMALL, false), 10);
    }
    try (Connection ro = readOnly("a.db"); Connection b = driver("b.db", "")) {
      assertEquals(model.modelRows(), Workload.tableRows(ro, "v"), "plain reads work");
      SQLException unfolded = assertThrows(SQLException.class, () -> Audit.cells(ro));
      assertTrue(unfolded.getMessage().contains("read-only") && unfolded.getMessage().contains("Fix:"),
          unfolded.getMessage());
      assertRefusesWrites(ro, b, model);
    }
    VersionVector vector;
    String root;
    try (Connection a = driver("a.db", "")) {
      assertIntact(a, model, "after writes into the read-only file were refused"); // folds, writable
      vector = Replica.of(a).versionVector();
      root = Replica.of(a).merkleRoot().toString();
    }
    try (Connection ro = readOnly("a.db"); Connection b = driver("b.db", "")) {
      assertEquals(model.modelRows(), Workload.tableRows(ro, "v"));
      Audit.metadataMatchesTables(ro, "read-only, folded"); // the replica API reads a folded read-only file
      assertEquals(vector, Replica.of(ro).versionVector());
      assertEquals(root, Replica.of(ro).merkleRoot().toString());
      assertRefusesWrites(ro, b, model);
    }
    try (ReplicaStore ro = ReplicaStore.open("jdbc:sqlite:" + dir.resolve("a.db") + "?open_mode=1", Encryption.off());
        ReplicaStore b = ReplicaStore.open("jdbc:sqlite:" + dir.resolve("b.db"), Encryption.off())) {
      SyncException refused = assertThrows(SyncException.class, () -> SyncSession.run(ro,
          new InMemoryTransport(new SyncResponder(b, SyncOptions.DEFAULTS)), SyncOptions.DEFAULTS));
      assertTrue(refused.getMessage().contains("readonly"), refused.code() + ": " + refused.getMessage());
      assertEquals("internal", refused.code(), "this side's storage, not a batch the peer got wrong");
    }
    try (Connection a = driver("a.db", "")) {
      assertIntact(a, model, "after a sync into the read-only file was refused");
      assertEquals(vector, Replica.of(a).versionVector(), "nothing of the sync was applied");
    }
  }

  private static void assertRefusesWrites(Connection ro, Connection peer, Workload model) throws SQLException {
    Workload next = new Workload("v", 11, Workload.SMALL, false).replay(model.transactionsGenerated());
    SQLException write = assertThrows(SQLException.class, () -> Workload.run(ro, next.nextTransaction()));
    assertEquals(SQLiteErrorCode.SQLITE_READONLY.code, write.getErrorCode() & 0xff, write.getMessage());
    assertTrue(write.getMessage().contains("readonly"), write.getMessage());
    SQLException sync = assertThrows(SQLException.class, () -> Replica.of(ro).syncWith(Replica.of(peer)));
    assertTrue(sync.getMessage().contains("read-only") || sync.getMessage().contains("readonly"), sync.getMessage());
  }

  private Connection readOnly(String name) throws SQLException {
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve(name), readOnly.toProperties());
  }

  // --- helpers

  private static void assertFull(SQLException e) {
    assertTrue(e != null, "no write failed although the database was full");
    assertEquals(SQLiteErrorCode.SQLITE_FULL.code, e.getErrorCode() & 0xff, e.getMessage());
    assertTrue(e.getMessage().contains("full"), e.getMessage());
  }

  /** Integrity, the model's rows, and metadata that matches the tables. */
  private static void assertIntact(Connection c, Workload model, String what) throws SQLException {
    Audit.integrity(c, what);
    assertEquals(model.modelRows(), Workload.tableRows(c, "v"), what);
    TreeMap<String, Long> markers = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, ops FROM tx WHERE id LIKE 'v:%'")) {
      while (r.next()) {
        markers.put(r.getString(1), r.getLong(2));
      }
    }
    assertEquals(model.tx, markers, what + ": committed transactions");
    Audit.metadataMatchesTables(c, what);
  }

  private static void assertHoldsOnlyWhatItsVectorCovers(Connection a, Connection b) throws SQLException {
    SiteId site = Replica.of(b).siteId();
    VersionVector held = Replica.of(a).versionVector();
    Map<String, Change> mine = Audit.cells(a);
    for (Change change : Audit.cells(b).values()) {
      if (change.site().equals(site) && held.covers(site, change.seq())) {
        assertEquals(change, mine.get(Audit.cellKey(change)), "a cell the vector covers");
      }
    }
  }

  /** Lets the database grow by {@code extra} pages from now on; -1 lifts the limit. */
  private static void limitPages(Connection c, int extra) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      long pages = one(c, "PRAGMA page_count");
      s.execute("PRAGMA max_page_count = " + (extra < 0 ? UNLIMITED : pages + extra));
    }
  }

  private static long one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void writeTransactions(Connection c, Workload w, int count) throws SQLException {
    for (int i = 0; i < count; i++) {
      Workload.run(c, w.nextTransaction());
    }
  }

  private Connection replica(String name, String options) throws SQLException {
    Connection c = driver(name, options);
    try (Statement s = c.createStatement()) {
      s.execute(Workload.CREATE_T);
      s.execute(Workload.CREATE_TX);
    }
    Replica.of(c).track("t");
    Replica.of(c).track("tx");
    return c;
  }

  private Connection driver(String name, String options) throws SQLException {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve(name) + options);
  }
}
