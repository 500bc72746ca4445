package dev.lattice.driver.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.TestDatabase;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.merkle.ReconcileLimits;
import dev.lattice.merkle.Reconciliation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver keeps one reconciliation tree per database, up to date with every writer, at a cost that follows change. */
class MerkleRootTest {
  static final String NOTES = "CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, body BLOB, score REAL)";
  static final Set<String> NO_COUNTERS = Set.of();

  @TempDir Path dir;

  private TestDatabase notes(String name) throws SQLException {
    TestDatabase db = TestDatabase.create(dir, name, NOTES);
    db.replica().track("notes");
    return db;
  }

  private static void fill(TestDatabase db, int from, int to) throws SQLException {
    for (int i = from; i < to; i++) {
      db.exec("INSERT INTO notes VALUES (" + i + ", 'note " + i + "', x'0102', " + i + ".5)");
    }
  }

  @Test
  void replicasHoldingTheSameStateHaveTheSameRootWhateverTheirHistory() throws Exception {
    try (TestDatabase a = notes("a.db"); TestDatabase b = notes("b.db")) {
      fill(a, 0, 20);
      a.exec("UPDATE notes SET title = 'edited' WHERE id = 3", "DELETE FROM notes WHERE id = 4");
      fill(b, 100, 105);
      assertNotEquals(a.replica().merkleRoot(), b.replica().merkleRoot());

      a.replica().syncWith(b.replica());

      assertEquals(a.replica().merkleRoot(), b.replica().merkleRoot());
      assertEquals(a.expectedRoot(NO_COUNTERS), a.replica().merkleRoot());
      // 25 rows, 19 alive with 3 columns each, 1 deleted with only its row cell
      assertEquals(25 + 24 * 3, a.replica().merkleRoot().count());
    }
  }

  @Test
  void writesFromPlainConnectionsAndTheSqliteShellReachTheTree() throws Exception {
    try (TestDatabase db = notes("foreign.db")) {
      fill(db, 0, 10);
      NodeSummary before = db.replica().merkleRoot();
      try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db.file());
          Statement s = plain.createStatement()) {
        s.execute("UPDATE notes SET score = -1 WHERE id = 1");
      }
      NodeSummary afterPlain = db.replica().merkleRoot();
      assertNotEquals(before, afterPlain);
      assertEquals(db.expectedRoot(NO_COUNTERS), afterPlain);

      Process shell = new ProcessBuilder("sqlite3", db.file().toString(), "DELETE FROM notes WHERE id = 2;")
          .redirectErrorStream(true).start();
      assertTrue(shell.waitFor(30, TimeUnit.SECONDS) && shell.exitValue() == 0, "sqlite3 failed");
      NodeSummary afterShell = db.replica().merkleRoot();
      assertEquals(afterPlain.count() - 3, afterShell.count(), "a deleted row keeps only its row cell");
      assertEquals(db.expectedRoot(NO_COUNTERS), afterShell);
    }
  }

  @Test
  void bringingTheTreeUpToDateRevisitsOnlyTheRowsThatChanged() throws Exception {
    try (TestDatabase db = notes("incremental.db")) {
      fill(db, 0, 2_000);
      ReplicaTree tree = ReplicaTrees.of(db.connection(), CellIdHasher.unkeyed());
      tree.root(db.connection());
      db.exec("UPDATE notes SET title = 'x' WHERE id IN (5, 6)", "DELETE FROM notes WHERE id = 7");

      tree.root(db.connection());

      assertEquals(3, tree.rowsRevisited());
      tree.root(db.connection());
      assertEquals(0, tree.rowsRevisited(), "nothing changed, nothing revisited");
    }
  }

  @Test
  void aTreeRebuiltFromMetadataEqualsTheIncrementallyKeptOne() throws Exception {
    try (TestDatabase a = notes("kept.db"); TestDatabase b = notes("peer.db")) {
      for (int round = 0; round < 5; round++) {
        fill(a, round * 10, round * 10 + 10);
        fill(b, 1000 + round, 1001 + round);
        a.exec("UPDATE notes SET body = NULL WHERE id % 3 = " + round % 3, "DELETE FROM notes WHERE id = " + round);
        a.replica().merkleRoot();
        a.replica().syncWith(b.replica());
      }
      NodeSummary rebuilt = new ReplicaTree(CellIdHasher.unkeyed()).root(a.connection());
      assertEquals(rebuilt, a.replica().merkleRoot(), "what a restarted process would build");
    }
  }

  @Test
  void aFileReplacedAtTheSamePathIsNotMistakenForTheOldOne() throws Exception {
    NodeSummary first;
    try (TestDatabase db = notes("replaced.db")) {
      fill(db, 0, 10);
      first = db.replica().merkleRoot();
    }
    Files.delete(dir.resolve("replaced.db"));
    Files.deleteIfExists(dir.resolve("replaced.db-wal"));
    Files.deleteIfExists(dir.resolve("replaced.db-shm"));
    try (TestDatabase db = notes("replaced.db")) {
      fill(db, 0, 10);
      NodeSummary second = db.replica().merkleRoot();
      assertNotEquals(first, second, "another site wrote these rows");
      assertEquals(db.expectedRoot(NO_COUNTERS), second);
    }
  }

  @Test
  void keyedCellIdsGiveAnotherRootOverTheSameState() throws Exception {
    try (TestDatabase db = notes("keyed.db")) {
      fill(db, 0, 10);
      NodeSummary open = db.replica().merkleRoot();
      NodeSummary keyed = new ReplicaTree(CellIdHasher.keyed(new byte[32])).root(db.connection());
      assertEquals(open.count(), keyed.count());
      assertNotEquals(open.digest(), keyed.digest());
    }
  }

  @Test
  void theRootIsRefusedInsideATransactionBecauseItDescribesCommittedState() throws Exception {
    try (TestDatabase db = notes("tx.db")) {
      fill(db, 0, 3);
      db.connection().setAutoCommit(false);
      db.exec("INSERT INTO notes VALUES (99, 'uncommitted', NULL, NULL)");
      SQLException e = assertThrows(SQLException.class, () -> db.replica().merkleRoot());
      assertTrue(e.getMessage().contains("outside a transaction"), e.getMessage());
      db.connection().rollback();
      db.connection().setAutoCommit(true);
      assertEquals(db.expectedRoot(NO_COUNTERS), db.replica().merkleRoot());
    }
  }

  @Test
  void sqlReturnsTheRootAndItemCountAsJson() throws Exception {
    try (TestDatabase db = notes("sql.db")) {
      fill(db, 0, 4);
      NodeSummary root = db.replica().merkleRoot();
      try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + db.file());
          ResultSet r = c.createStatement().executeQuery("SELECT lattice_merkle_root()")) {
        assertTrue(r.next());
        assertEquals("{\"items\":16,\"digest\":\"" + root.digest() + "\"}", r.getString(1));
      }
    }
  }

  @Test
  void twoReplicasLocateTheRowsTheyDoNotShareByExchangingTreeMessages() throws Exception {
    try (TestDatabase a = notes("left.db"); TestDatabase b = notes("right.db")) {
      fill(a, 0, 3_000);
      b.replica().syncWith(a.replica());
      a.exec("UPDATE notes SET title = 'only on a' WHERE id IN (10, 2000)");
      b.exec("DELETE FROM notes WHERE id = 77");

      Set<RowRef> fromA = new HashSet<>();
      Set<RowRef> fromB = new HashSet<>();
      ReplicaTree left = ReplicaTrees.of(a.connection(), CellIdHasher.unkeyed());
      ReplicaTree right = ReplicaTrees.of(b.connection(), CellIdHasher.unkeyed());
      left.read(a.connection(), ta -> {
        try {
          return right.read(b.connection(), tb -> {
            exchange(ta, tb, fromA, fromB);
            return null;
          });
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });

      assertEquals(Set.of(new RowRef(1, 10L), new RowRef(1, 2000L), new RowRef(1, 77L)), fromA);
      assertEquals(Set.of(new RowRef(1, 10L), new RowRef(1, 2000L), new RowRef(1, 77L)), fromB);
    }
  }

  private static void exchange(MerkleTree<RowRef> ta, MerkleTree<RowRef> tb, Set<RowRef> fromA, Set<RowRef> fromB) {
    Reconciliation<RowRef> ra = Reconciliation.initiate(ta, ReconcileLimits.DEFAULT, 42);
    Reconciliation<RowRef> rb = Reconciliation.respond(tb, ReconcileLimits.DEFAULT);
    byte[] message = ra.firstMessage();
    Reconciliation<RowRef> turn = rb;
    while (message != null) {
      message = turn.receive(message);
      turn = turn == ra ? rb : ra;
    }
    ra.forEachToSend((Item<RowRef> item) -> fromA.add(item.tag()));
    rb.forEachToSend((Item<RowRef> item) -> fromB.add(item.tag()));
  }
}
