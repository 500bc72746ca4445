package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the replica API offers a sync protocol: batches to send, its schema, keyed trees and whole rows by item. */
class SyncSupportTest {
  private static final CellIdHasher KEYED = CellIdHasher.keyed("a space key of 32 bytes.........".getBytes());

  @TempDir Path dir;

  private TestDatabase notes(String name) throws SQLException {
    TestDatabase db = TestDatabase.create(dir, name,
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, likes INTEGER NOT NULL DEFAULT 0)");
    db.replica().track("notes", TrackOptions.counters("likes"));
    return db;
  }

  @Test
  void batchesCarryWhatThePeerLacksAndAPeerThatStopsEarlyResumesWithItsNewVector() throws Exception {
    try (TestDatabase a = notes("a.db"); TestDatabase b = notes("b.db")) {
      for (int i = 0; i < 50; i++) {
        a.exec("INSERT INTO notes(id, title) VALUES (" + i + ", 'n" + i + "')");
      }
      try (ChangeBatches batches = a.replica().batchesSince(b.replica().versionVector(), 20)) {
        ChangeBatch first = batches.next();
        assertTrue(first.changes().size() >= 20 && first.changes().size() < 24, "whole rows of 3 cells");
        b.replica().apply(first);
      }
      assertTrue(b.replica().versionVector().get(a.replica().siteId()) > 0, "the first batch advanced B's vector");

      List<ChangeBatch> rest = new ArrayList<>();
      try (ChangeBatches batches = a.replica().batchesSince(b.replica().versionVector(), 20)) {
        for (ChangeBatch batch; (batch = batches.next()) != null; ) {
          rest.add(batch);
          b.replica().apply(batch);
        }
      }
      assertEquals(150, rest.stream().mapToInt(x -> x.changes().size()).sum() + 21,
          "the rest comes once, nothing re-sent");
      assertEquals(a.replica().versionVector(), rest.get(rest.size() - 1).covers(), "the last batch covers it all");
      assertEquals(a.cells(), b.cells());
    }
  }

  @Test
  void aDatabaseThatNeverTrackedAnythingHasNoBatches() throws Exception {
    try (TestDatabase plain = TestDatabase.create(dir, "plain.db", "CREATE TABLE t(id INTEGER PRIMARY KEY)");
        ChangeBatches batches = plain.replica().batchesSince(VersionVector.empty(), 10)) {
      assertNull(batches.next());
    }
  }

  @Test
  void theSchemaNamesEachTrackedTablesKeyValueColumnsByNameAndCounterColumnsAndSaysHowTwoDiffer() throws Exception {
    try (TestDatabase a = notes("a.db"); TestDatabase b = TestDatabase.create(dir, "b.db",
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, likes INTEGER)",
        "CREATE TABLE \"odd, name\"(k TEXT NOT NULL PRIMARY KEY)")) {
      b.replica().track("notes");
      b.replica().track("odd, name");
      TrackedSchema mine = a.replica().schema();

      assertEquals("notes(key id; likes, title; counters likes)\n", mine.describe());
      assertEquals(List.of(
              "notes is (key id; likes, title; counters likes) here but (key id; likes, title) on the peer",
              "only the peer tracks \"odd, name\"(key k)"),
          mine.differences(b.replica().schema()));
      assertNotEquals(List.of(), List.of(mine.fingerprint()));
      assertEquals(List.of(), mine.differences(a.replica().schema()));
      assertEquals(new String(mine.fingerprint(), java.nio.charset.StandardCharsets.ISO_8859_1),
          new String(a.replica().schema().fingerprint(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void aKeyedTreeHasOtherIdsAndItsSnapshotStaysStillWhileTheReplicaChanges() throws Exception {
    try (TestDatabase a = notes("a.db")) {
      a.exec("INSERT INTO notes(id, title) VALUES (1, 'one')", "INSERT INTO notes(id, title) VALUES (2, 'two')",
          "UPDATE notes SET likes = likes + 3 WHERE id = 2");
      assertNotEquals(a.replica().merkleRoot(), a.replica().merkleRoot(KEYED));
      assertEquals(a.replica().merkleRoot().count(), a.replica().merkleRoot(KEYED).count());

      TreeSnapshot snapshot = a.replica().treeSnapshot(KEYED);
      MerkleTree<?> tree = snapshot.tree();
      assertEquals(a.replica().merkleRoot(KEYED), tree.root());
      a.exec("INSERT INTO notes(id, title) VALUES (3, 'three')");
      assertNotEquals(a.replica().merkleRoot(KEYED), tree.root(), "the replica moved on; the snapshot did not");
      assertEquals(6, tree.size(), "2 rows: row cell, title and the likes counter each");

      Set<CellId> ids = new HashSet<>();
      for (Change c : a.cells().values()) {
        if (c.table().equals("notes") && !c.pk().equals(3L)) {
          ids.add(Replica.cellId(KEYED, c));
        }
      }
      Set<CellId> inTree = new HashSet<>();
      tree.items(dev.lattice.merkle.NodeAddress.ROOT).forEach(item -> inTree.add(item.cell()));
      assertEquals(inTree, ids, "cellId names every item as the tree does");
    }
  }

  @Test
  void rowsOfItemsAreWholeRowsAsTheyAreNowEachOnce() throws Exception {
    try (TestDatabase a = notes("a.db")) {
      a.exec("INSERT INTO notes(id, title) VALUES (1, 'one')", "INSERT INTO notes(id, title) VALUES (2, 'two')",
          "UPDATE notes SET likes = likes + 3 WHERE id = 2");
      TreeSnapshot snapshot = a.replica().treeSnapshot(KEYED);
      List<Item<?>> ofRow2 = new ArrayList<>();
      List<Item<?>> all = new ArrayList<>();
      for (Item<?> item : snapshot.tree().items(dev.lattice.merkle.NodeAddress.ROOT)) {
        all.add(item);
      }
      Map<String, Change> cells = a.cells();
      for (Item<?> item : all) {
        Change c = cells.values().stream().filter(x -> Replica.cellId(KEYED, x).equals(item.cell())).findFirst()
            .orElseThrow();
        if (c.pk().equals(2L)) {
          ofRow2.add(item);
        }
      }
      a.exec("UPDATE notes SET title = 'two, edited' WHERE id = 2", "DELETE FROM notes WHERE id = 1");

      List<Change> row2 = snapshot.rowsOf(ofRow2);
      assertEquals(3, row2.size(), "row cell, title, one likes contribution: " + row2);
      assertTrue(row2.stream().anyMatch(c -> "two, edited".equals(c.value())), "as it is now");
      List<Change> both = snapshot.rowsOf(all);
      assertEquals(4, both.size(), "row 1 is now only its tombstone: " + both);
      assertTrue(both.stream().anyMatch(c -> c.pk().equals(1L) && c.isRowCell() && !c.rowAlive()));
    }
  }

  @Test
  void aMergeOfVersionsTheVectorAlreadyCountedStillReachesTheRoot() throws Exception {
    try (TestDatabase a = notes("a.db"); TestDatabase b = notes("b.db")) {
      for (int i = 0; i < 20; i++) {
        a.exec("INSERT INTO notes(id, title) VALUES (" + i + ", 'n" + i + "')");
      }
      ChangeBatch all;
      try (ChangeBatches batches = a.replica().batchesSince(VersionVector.empty(), 1_000)) {
        all = batches.next();
      }
      // b is promised everything but given half: its vector is a's, its contents and root are not.
      b.replica().apply(new ChangeBatch(all.senderVector(), all.changes().subList(0, 30), all.covers()));
      assertNotEquals(a.replica().merkleRoot(), b.replica().merkleRoot());

      // What a reconciliation delivers lies at or below b's vector, where the incremental refresh does not look.
      b.replica().apply(new ChangeBatch(all.senderVector(), all.changes().subList(30, all.changes().size()),
          VersionVector.empty()));

      assertEquals(a.replica().merkleRoot(), b.replica().merkleRoot());
    }
  }
}
