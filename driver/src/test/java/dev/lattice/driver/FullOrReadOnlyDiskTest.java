package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Issue 8 (crashes, full disks, read-only files), regressions found by the crash harness in sync-protocol.
 *
 * <p>1. A driver connection folds the capture log right after a COMMIT once enough is pending. When that fold failed
 * (here: the disk was full), {@code commit()} threw although the transaction was committed: an application would
 * take a durable write for a failed one and retry it or tell its user it was lost. The commit now returns, the fold
 * failure comes back as a warning on the connection, and the log is folded later.
 *
 * <p>2. Reading changes through the replica API folds first; on a read-only file with captured writes not yet folded
 * that failed with SQLite's bare "attempt to write a readonly database". It now says what is read-only, why a write
 * was needed and what to do.
 */
class FullOrReadOnlyDiskTest {
  private static final String NOTES = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT, n INTEGER)";

  @TempDir Path dir;

  @Test
  void aFoldThatHitsAFullDiskAfterCommit_doesNotMakeTheCommittedTransactionLookFailed() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("full.db")
        + "?lattice.foldThreshold=3000")) {
      exec(c, NOTES);
      Replica.of(c).track("notes");
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO notes VALUES (?, 'x', 0)")) {
        for (int i = 0; i < 500; i++) {
          p.setString(1, "k" + i);
          p.executeUpdate();
        }
      }
      c.commit();
      Replica.of(c).fold();
      for (int round = 0; round < 29; round++) { // 2,900 pending log rows, just under the threshold
        update(c, 100, round);
        c.commit();
      }
      c.setAutoCommit(true);
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      long pages = one(c, "PRAGMA page_count");
      exec(c, "PRAGMA max_page_count = " + (pages + 3)); // room for the transaction, not for the fold after it
      c.setAutoCommit(false);

      update(c, 150, 99);
      exec(c, "INSERT INTO notes VALUES ('last', 'committed', 0)");
      c.commit(); // must not throw: the transaction is durable

      SQLWarning warning = c.getWarnings();
      assertNotNull(warning, "the failed fold is reported as a warning");
      assertTrue(warning.getMessage().contains("fold"), warning.getMessage());
      c.setAutoCommit(true);
      exec(c, "PRAGMA max_page_count = 1073741823");
      assertEquals(1, one(c, "SELECT count(*) FROM notes WHERE id = 'last'"));
      assertTrue(Replica.of(c).fold() >= 3000, "the log is folded once there is room");
      assertEquals("committed", one(c, "SELECT count(*) FROM lattice_changes WHERE pk = 'last'") > 0 ? "committed"
          : "missing");
    }
  }

  @Test
  void readingChangesFromAReadOnlyFileWithAnUnfoldedLog_saysWhatIsReadOnlyAndWhatToDo() throws Exception {
    Path file = dir.resolve("ro.db");
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file + "?lattice.foldThreshold=0")) {
      exec(c, NOTES);
      Replica.of(c).track("notes");
      exec(c, "INSERT INTO notes VALUES ('a', 'unfolded', 1)");
    }
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    try (Connection ro = DriverManager.getConnection("jdbc:lattice:sqlite:" + file, readOnly.toProperties())) {
      assertEquals(1, one(ro, "SELECT count(*) FROM notes"), "plain reads work");
      SQLException refused = assertThrows(SQLException.class, () -> Replica.of(ro).changesSince(
          VersionVector.empty()).close());
      assertTrue(refused.getMessage().contains("read-only") && refused.getMessage().contains("1 captured write")
          && refused.getMessage().contains("Fix:"), refused.getMessage());
    }
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file)) {
      Replica.of(c).fold();
    }
    try (Connection ro = DriverManager.getConnection("jdbc:lattice:sqlite:" + file, readOnly.toProperties())) {
      try (ChangeStream changes = Replica.of(ro).changesSince(VersionVector.empty())) {
        assertNotNull(changes.next(), "once folded, a read-only file reads through the replica API");
      }
      assertEquals(3, Replica.of(ro).merkleRoot().count());
    }
  }

  private static void update(Connection c, int rows, int round) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE notes SET n = ? WHERE id = ?")) {
      for (int i = 0; i < rows; i++) {
        p.setInt(1, round + 1);
        p.setString(2, "k" + ((round * 100 + i) % 500));
        p.executeUpdate();
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
}
