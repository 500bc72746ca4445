package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.SiteId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Replica#renewSiteId()}: a restored or copied file takes a new identity and keeps what it holds, so that its
 * new writes are not mistaken for the original's.
 */
class SiteRenewalTest {
  private static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v TEXT, n INTEGER)";

  @TempDir Path dir;

  @Test
  void aCopyWithARenewedSiteId_andTheOriginalBothKeepWriting_allThreeConverge() throws Exception {
    try (TestDatabase original = TestDatabase.create(dir, "original.db", TABLE);
        TestDatabase peer = TestDatabase.create(dir, "peer.db", TABLE)) {
      original.replica().track("t", TrackOptions.counters("n"));
      peer.replica().track("t", TrackOptions.counters("n"));
      original.exec("INSERT INTO t VALUES ('a', 'one', 1)", "INSERT INTO t VALUES ('b', 'two', 2)");
      original.replica().syncWith(peer.replica());
      SiteId originalId = original.replica().siteId();
      long lastSeq = original.replica().versionVector().get(originalId);

      original.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(original.file(), dir.resolve("copy.db"));
      try (TestDatabase copy = TestDatabase.create(dir, "copy.db")) {
        SiteId renewed = copy.replica().renewSiteId();

        assertNotEquals(originalId, renewed);
        assertEquals(renewed, copy.replica().siteId());
        assertEquals(lastSeq, copy.replica().versionVector().get(originalId), "holds the old id's writes");
        assertEquals(peer.replica().merkleRoot(), copy.replica().merkleRoot(), "same versions, same root");
        assertEquals(0, copy.replica().syncWith(peer.replica()).cellsApplied(), "nothing is new to anyone");

        copy.exec("UPDATE t SET v = 'copy', n = n + 10 WHERE id = 'a'", "INSERT INTO t VALUES ('c', 'copy', 0)");
        original.exec("UPDATE t SET v = 'original', n = n + 100 WHERE id = 'b'");
        peer.exec("INSERT INTO t VALUES ('d', 'peer', 0)");
        MergeResult copyWithPeer = copy.replica().syncWith(peer.replica());
        MergeResult originalWithPeer = original.replica().syncWith(peer.replica());
        copy.replica().syncWith(peer.replica());

        // copy -> peer: a (v, n) and c (row); peer -> copy: d. Nothing the peer held already crosses again.
        assertTrue(copyWithPeer.cellsApplied() <= 10, copyWithPeer::toString);
        assertTrue(originalWithPeer.cellsApplied() > 0, originalWithPeer::toString);
        var rows = copy.query("SELECT id, v, n FROM t ORDER BY id");
        assertEquals(rows, peer.query("SELECT id, v, n FROM t ORDER BY id"));
        assertEquals(rows, original.query("SELECT id, v, n FROM t ORDER BY id"));
        assertEquals(java.util.List.of("a", "copy", 11L), rows.get(0), "the copy's write was not ignored");
        assertEquals(java.util.List.of("b", "original", 102L), rows.get(1), "nor the original's");
        assertEquals(peer.replica().merkleRoot(), copy.replica().merkleRoot());
        assertEquals(peer.replica().merkleRoot(), original.replica().merkleRoot());
        assertTrue(copy.cells().values().stream().anyMatch(c -> c.site().equals(renewed)));
      }
    }
  }

  @Test
  void renewingADatabaseLatticeNeverEnabled_isRefused() throws Exception {
    try (TestDatabase plain = TestDatabase.create(dir, "plain.db", TABLE)) {
      SQLException e = assertThrows(SQLException.class, () -> plain.replica().renewSiteId());
      assertTrue(e.getMessage().contains("not a Lattice replica"), e.getMessage());
    }
  }

  @Test
  void inspect_saysWhyATableCannotBeTrackedAndWarnsAboutRisks_withoutWritingAnything() throws Exception {
    try (TestDatabase db = TestDatabase.create(dir, "app.db", "CREATE TABLE nokey(a, b)",
        "CREATE TABLE auto(id INTEGER PRIMARY KEY, name TEXT UNIQUE)", TABLE)) {
      TrackCheck nokey = db.replica().inspect("nokey", TrackOptions.DEFAULT);
      TrackCheck auto = db.replica().inspect("auto", TrackOptions.DEFAULT);
      TrackCheck t = db.replica().inspect("t", TrackOptions.counters("n"));
      TrackCheck badCounter = db.replica().inspect("t", TrackOptions.counters("nope"));

      assertFalse(nokey.trackable());
      assertTrue(nokey.problem().contains("no PRIMARY KEY"), nokey.problem());
      assertTrue(nokey.fix().contains("PRIMARY KEY"), nokey.fix());
      assertTrue(auto.trackable());
      assertEquals(2, auto.warnings().size(), auto.warnings()::toString);
      assertTrue(t.trackable() && t.warnings().isEmpty() && t.problem() == null, t::toString);
      assertFalse(badCounter.trackable());
      assertTrue(db.query("SELECT name FROM sqlite_schema WHERE name LIKE 'lattice%'").isEmpty(), "nothing written");
    }
  }
}
