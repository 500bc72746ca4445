package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Replica#adoptStablePoint}: tombstones at or below a point every replica holds are dropped, replicas that
 * adopted the same point hold the same state, and nothing a replica dropped can come back through a merge.
 */
class CompactionTest {
  private static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v TEXT)";

  @TempDir Path dir;

  @Test
  void replicasThatAdoptTheSamePoint_dropTheSameTombstones_andAgreeAgain() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one'), ('2', 'two'), ('3', 'three')");
      a.replica().syncWith(b.replica());
      a.exec("DELETE FROM t WHERE id IN ('1', '2')");
      a.replica().syncWith(b.replica());
      VersionVector point = a.replica().versionVector(); // both hold it: they just synced
      assertEquals(2, tombstones(a));
      assertEquals(2, tombstones(b));

      assertEquals(2, a.replica().adoptStablePoint(point));
      assertNotEquals(a.replica().merkleRoot(), b.replica().merkleRoot(), "one dropped what the other holds");
      assertEquals(2, b.replica().adoptStablePoint(point));

      assertEquals(0, tombstones(a));
      assertEquals(a.replica().merkleRoot(), b.replica().merkleRoot());
      assertEquals(a.cells(), b.cells());
      assertEquals(List.of(List.of("3", "three")), a.query("SELECT id, v FROM t"));
      assertEquals(point, a.replica().stablePoint());
      assertEquals(0, a.replica().adoptStablePoint(point), "adopting it again drops nothing");
      assertEquals(0, a.replica().syncWith(b.replica()).cellsApplied());
    }
  }

  /**
   * Found by ConvergenceProperties: a key re-inserted where its tombstone was dropped starts a new life that replicas
   * still holding the tombstone ignore, while their vectors count it. Once they drop the tombstone in turn, only a sync
   * that compares trees brings them the row; vectors alone never would.
   */
  @Test
  void aKeyReinsertedAfterItsTombstoneWasDropped_reachesReplicasThatIgnoredItWhileTheyHeldTheTombstone()
      throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase c = replica("c.db"); TestDatabase d = replica("d.db")) {
      a.exec("INSERT INTO t VALUES ('k', 'first')");
      a.replica().syncWith(c.replica());
      a.replica().syncWith(d.replica());
      a.exec("DELETE FROM t WHERE id = 'k'");
      a.replica().syncWith(c.replica());
      a.replica().syncWith(d.replica());
      VersionVector point = a.replica().versionVector(); // all three hold it: they just synced
      assertEquals(1, a.replica().adoptStablePoint(point));

      a.exec("INSERT INTO t VALUES ('k', 'again')");
      ChangeBatch everything = MergeTest.batchOfEverything(a);
      c.replica().apply(everything); // both still hold the tombstone: the new life loses there...
      d.replica().apply(everything);
      assertEquals(List.of(), c.query("SELECT id FROM t"));
      assertEquals(1, c.replica().adoptStablePoint(point)); // ...and then the tombstone goes, as a server would say
      assertEquals(1, d.replica().adoptStablePoint(point));
      c.replica().syncWith(d.replica());

      c.replica().syncWith(a.replica());
      d.replica().syncWith(c.replica());
      assertEquals(List.of(List.of("k", "again")), c.query("SELECT id, v FROM t"));
      assertEquals(a.cells(), c.cells());
      assertEquals(a.cells(), d.cells());
      assertEquals(a.replica().merkleRoot(), d.replica().merkleRoot());
    }
  }

  @Test
  void aTombstoneAboveThePoint_isKept_andThePointStopsAtTheReplicasOwnVector() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one'), ('2', 'two')", "DELETE FROM t WHERE id = '1'");
      a.replica().syncWith(b.replica());
      VersionVector point = a.replica().versionVector();
      a.exec("DELETE FROM t WHERE id = '2'");

      assertEquals(1, a.replica().adoptStablePoint(point));
      assertEquals(1, tombstones(a), "the newer delete is not held by every replica yet");

      SiteId site = a.replica().siteId();
      assertEquals(1, b.replica().adoptStablePoint(a.replica().versionVector()));
      assertEquals(point.get(site), b.replica().stablePoint().get(site),
          "b holds a's writes only up to the first sync: it cannot vouch for more");
    }
  }

  @Test
  void aRowDroppedHere_doesNotComeBack_fromAReplicaThatStillHoldsItsOldLifeOrItsTombstone() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db"); TestDatabase old = replica("old.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one'), ('2', 'two')");
      a.replica().syncWith(old.replica()); // old keeps '1' alive: it never hears of the delete
      a.exec("DELETE FROM t WHERE id = '1'");
      a.replica().syncWith(b.replica());
      a.replica().adoptStablePoint(a.replica().versionVector());
      Map<String, Change> compacted = a.cells();

      // What a reconciliation would push: every row b holds (with '1''s tombstone), and old's '1' alive.
      a.replica().apply(everything(b));
      a.replica().apply(everything(old));

      assertEquals(compacted, a.cells());
      assertEquals(List.of(List.of("2")), a.query("SELECT id FROM t"));
      assertEquals(0, tombstones(a));
    }
  }

  @Test
  void anOldTombstoneReplayedAfterTheKeyLivesAgain_doesNotKillTheNewLife() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one')", "DELETE FROM t WHERE id = '1'");
      ChangeBatch old = everything(a); // the tombstone, causal length 2
      a.replica().syncWith(b.replica());
      a.replica().adoptStablePoint(a.replica().versionVector());
      a.exec("INSERT INTO t VALUES ('1', 'again')"); // a new life, causal length 1 again

      a.replica().apply(old);

      assertEquals(List.of(List.of("1", "again")), a.query("SELECT id, v FROM t"));
    }
  }

  @Test
  void aKeyReinsertedAfterCompaction_startsANewLife_thatReachesAReplicaOnceItCompactsToo() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one')", "DELETE FROM t WHERE id = '1'");
      a.replica().syncWith(b.replica());
      VersionVector point = a.replica().versionVector();
      a.replica().adoptStablePoint(point);
      a.exec("INSERT INTO t VALUES ('1', 'again')");
      try (ChangeBatches batches = a.replica().batchesSince(b.replica().versionVector(), 100)) {
        b.replica().apply(batches.next());
      }
      assertEquals(List.of(), b.query("SELECT id FROM t"), "while b holds the tombstone, it outranks the new life");

      a.replica().syncWith(b.replica()); // exchanges the stable point too: b drops the tombstone and takes the life

      assertEquals(point, b.replica().stablePoint());
      assertEquals(List.of(List.of("1", "again")), b.query("SELECT id, v FROM t"));
      assertEquals(a.cells(), b.cells());
      assertEquals(a.replica().merkleRoot(), b.replica().merkleRoot());
    }
  }

  @Test
  void aReplicaThatNeverLearnedAPoint_hasAnEmptyOne_andDropsNothing() throws Exception {
    try (TestDatabase a = replica("a.db")) {
      a.exec("INSERT INTO t VALUES ('1', 'one')", "DELETE FROM t WHERE id = '1'");
      assertEquals(VersionVector.empty(), a.replica().stablePoint());
      assertEquals(0, a.replica().dropStableTombstones());
      assertEquals(0, a.replica().adoptStablePoint(VersionVector.empty()));
      assertEquals(1, tombstones(a));
    }
  }

  private TestDatabase replica(String name) throws Exception {
    TestDatabase db = TestDatabase.create(dir, name, TABLE);
    db.replica().track("t");
    return db;
  }

  private static ChangeBatch everything(TestDatabase from) throws Exception {
    VersionVector vector = from.replica().versionVector();
    return new ChangeBatch(vector, List.copyOf(from.cells().values()), vector);
  }

  private static long tombstones(TestDatabase db) throws Exception {
    return (Long) db.query("SELECT count(*) FROM lattice_rows WHERE cl % 2 = 0").get(0).get(0);
  }
}
