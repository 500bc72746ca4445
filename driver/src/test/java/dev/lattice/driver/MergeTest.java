package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.Hlc;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How replicas merge each other's changes. */
class MergeTest {
  static final String NOTES = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT, n)";

  @TempDir Path dir;
  TestDatabase a;
  TestDatabase b;

  @BeforeEach
  void twoReplicas() throws Exception {
    a = replica("a.db");
    b = replica("b.db");
  }

  @AfterEach
  void close() throws Exception {
    a.close();
    b.close();
  }

  TestDatabase replica(String name) throws SQLException {
    TestDatabase db = TestDatabase.create(dir, name, NOTES);
    db.replica().track("notes");
    return db;
  }

  static void sync(TestDatabase x, TestDatabase y) throws SQLException {
    x.replica().syncWith(y.replica());
  }

  static List<List<Object>> notes(TestDatabase db) throws SQLException {
    return db.query("SELECT id, title, body, n FROM notes ORDER BY id");
  }

  static void assertConverged(TestDatabase x, TestDatabase y) throws SQLException {
    assertEquals(notes(x), notes(y));
    assertEquals(x.cells(), y.cells());
    assertEquals(x.replica().versionVector(), y.replica().versionVector());
  }

  @Test
  void syncWith_bringsBothSidesToTheSameRowsCellsAndVectors() throws Exception {
    a.exec("INSERT INTO notes VALUES ('a1', 'from a', NULL, 1)");
    b.exec("INSERT INTO notes VALUES ('b1', 'from b', 'x', 2)");
    MergeResult result = a.replica().syncWith(b.replica());

    assertEquals(8, result.cellsApplied(), "a row cell and three columns, for each row");
    assertConverged(a, b);
    assertEquals(2, notes(a).size());
    assertEquals(Map.of(a.replica().siteId(), 1L, b.replica().siteId(), 1L), a.replica().versionVector().entries());
  }

  @Test
  void appliedChanges_areNotCapturedAgain() throws Exception {
    a.exec("INSERT INTO notes VALUES ('a1', 'from a', NULL, 1)");
    sync(a, b);
    assertEquals(0, b.replica().versionVector().get(b.replica().siteId()));
    assertEquals(List.of(List.of(0L)), b.query("SELECT count(*) FROM lattice_log WHERE op <> 0"));
  }

  @Test
  void syncingAgain_movesNothing() throws Exception {
    a.exec("INSERT INTO notes VALUES ('a1', 'from a', NULL, 1)");
    sync(a, b);
    assertEquals(MergeResult.NONE, a.replica().syncWith(b.replica()));
  }

  @Test
  void concurrentEditsOfOneCell_pickTheSameWinnerEverywhereAndKeepTheLoser() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'original', NULL, 1)");
    sync(a, b);
    a.exec("UPDATE notes SET title = 'edited on a'");
    b.exec("UPDATE notes SET title = 'edited on b', body = 'b only'");
    sync(a, b);

    assertConverged(a, b);
    String winner = (String) notes(a).get(0).get(1);
    assertEquals("b only", notes(a).get(0).get(2), "edits of different columns both survive");
    List<Conflict> conflicts = new ArrayList<>(a.replica().conflicts());
    conflicts.addAll(b.replica().conflicts());
    assertEquals(1, conflicts.size(), "recorded once, where the two versions met");
    Conflict conflict = conflicts.get(0);
    assertEquals("title", conflict.column());
    assertEquals(winner, conflict.winner().value());
    assertEquals(winner.equals("edited on a") ? "edited on b" : "edited on a", conflict.loser().value());
    long inViews = (Long) a.query("SELECT count(*) FROM lattice_conflicts WHERE column_name = 'title'").get(0).get(0)
        + (Long) b.query("SELECT count(*) FROM lattice_conflicts WHERE column_name = 'title'").get(0).get(0);
    assertEquals(1, inViews, "the lattice_conflicts view shows it too");
  }

  @Test
  void resolvingWithTheLoser_writesAnOrdinaryChangeThatSyncs() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'original', NULL, 1)");
    sync(a, b);
    a.exec("UPDATE notes SET title = 'edited on a'");
    b.exec("UPDATE notes SET title = 'edited on b'");
    sync(a, b);
    TestDatabase holder = a.replica().conflicts().isEmpty() ? b : a;
    Conflict conflict = holder.replica().conflicts().get(0);

    assertTrue(holder.replica().resolve(conflict.id(), true));
    sync(a, b);
    assertConverged(a, b);
    assertEquals(conflict.loser().value(), notes(a).get(0).get(1));
    assertEquals(List.of(), holder.replica().conflicts());
  }

  @Test
  void aDelete_beatsTheWritesItSawAndConcurrentOnes() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'original', NULL, 1)");
    sync(a, b);
    a.exec("DELETE FROM notes");
    b.exec("UPDATE notes SET title = 'edited concurrently'");
    sync(a, b);
    assertConverged(a, b);
    assertEquals(List.of(), notes(a));
  }

  @Test
  void aReinsertAfterADelete_resurrectsTheRowWithTheNewValues() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'first life', 'x', 1)");
    sync(a, b);
    b.exec("DELETE FROM notes");
    sync(a, b);
    a.exec("INSERT INTO notes VALUES ('n', 'second life', NULL, 2)");
    sync(a, b);
    assertConverged(a, b);
    assertEquals(List.of(List.of("n", "second life"), List.of()).get(0), notes(b).get(0).subList(0, 2));
    assertEquals(3, b.cells().get("notes/n/-").cl());
  }

  @Test
  void aColumnWriteFromAnOlderLife_neverBringsBackADeletedRow() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'first life', 'x', 1)");
    sync(a, b);
    b.exec("UPDATE notes SET body = 'late edit'");
    ChangeBatch lateEdit = batchOfEverything(b);
    a.exec("DELETE FROM notes");
    a.replica().apply(lateEdit);
    assertEquals(List.of(), notes(a));
    assertEquals(2, a.cells().get("notes/n/-").cl());
  }

  @Test
  void primaryKeyUpdatesAndReplaces_mergeExactly() throws Exception {
    a.exec("INSERT INTO notes VALUES ('old', 't', 'b', 1)", "INSERT INTO notes VALUES ('r', 't', 'b', 1)");
    sync(a, b);
    a.exec("UPDATE notes SET id = 'new' WHERE id = 'old'", "INSERT OR REPLACE INTO notes VALUES ('r', 'x', NULL, 2)");
    sync(a, b);
    assertConverged(a, b);
    assertEquals(List.of("new", "r"), notes(b).stream().map(r -> r.get(0)).toList());
    assertEquals(3, b.cells().get("notes/r/-").cl());
  }

  @Test
  void nullsBlobsAndReals_surviveTheRoundTripBitForBit() throws Exception {
    double awkward = 0.1 + 0.2;
    byte[] blob = {0, (byte) 0xff, 7};
    try (var p = a.connection().prepareStatement("INSERT INTO notes VALUES ('n', NULL, ?, ?)")) {
      p.setBytes(1, blob);
      p.setDouble(2, awkward);
      p.executeUpdate();
    }
    sync(a, b);
    List<Object> row = b.query("SELECT title, body, n FROM notes").get(0);
    assertEquals(null, row.get(0));
    assertArrayEquals(blob, (byte[]) row.get(1));
    assertEquals(Double.doubleToRawLongBits(awkward), Double.doubleToRawLongBits((Double) row.get(2)));
  }

  @Test
  void aChangeStampedFarInTheFuture_isRejectedAndNothingIsApplied() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 't', NULL, 1)");
    ChangeBatch batch = batchOfEverything(a);
    Clock hourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
    SQLException e = assertThrows(SQLException.class, () -> b.replica().withClock(hourAgo).apply(batch));
    assertTrue(e.getMessage().contains("ahead of this replica's clock"), e.getMessage());
    assertTrue(e.getMessage().contains(a.replica().siteId().toString()), e.getMessage());
    assertEquals(List.of(), notes(b));
    assertEquals(VersionVector.empty(), b.replica().versionVector());
  }

  @Test
  void theClock_advancesOnReceipt() throws Exception {
    long future = Hlc.ofMillis(System.currentTimeMillis() + 60_000);
    SiteId stranger = SiteId.random(new java.util.Random(1));
    b.replica().apply(new ChangeBatch(VersionVector.empty(), List.of(
        new Change("notes", "s", null, null, stranger, 1, future, 1),
        new Change("notes", "s", "title", "t", stranger, 1, future, 1),
        new Change("notes", "s", "body", null, stranger, 1, future, 1),
        new Change("notes", "s", "n", null, stranger, 1, future, 1)), VersionVector.empty()));
    b.exec("UPDATE notes SET title = 'local'");
    assertTrue(b.cells().get("notes/s/title").hlc() > future, "a local write after a receipt is stamped later");
  }

  @Test
  void aTableNotTrackedHere_isASchemaMismatchThatAppliesNothing() throws Exception {
    try (TestDatabase c = TestDatabase.create(dir, "c.db", NOTES, "CREATE TABLE other(id TEXT PRIMARY KEY NOT NULL)")) {
      c.replica().track("other");
      a.exec("INSERT INTO notes VALUES ('n', 't', NULL, 1)");
      SQLException e = assertThrows(SQLException.class, () -> c.replica().apply(batchOfEverything(a)));
      assertTrue(e.getMessage().contains("table notes is not tracked"), e.getMessage());
      assertEquals(List.of(), c.query("SELECT * FROM notes"));
    }
  }

  @Test
  void aKeyGivenAsIntegerOrLong_isOneRow() throws Exception {
    try (TestDatabase x = TestDatabase.create(dir, "x.db", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)")) {
      x.replica().track("items");
      SiteId stranger = SiteId.random(new java.util.Random(3));
      long now = Hlc.ofMillis(System.currentTimeMillis());
      x.replica().apply(new ChangeBatch(VersionVector.empty(), List.of(
          new Change("items", 7, null, null, stranger, 1, now, 1),
          new Change("items", 7L, "name", "seven", stranger, 1, now, 1)), VersionVector.empty()));
      assertEquals(List.of(List.of(7L, "seven")), x.query("SELECT id, name FROM items"));
    }
  }

  @Test
  void malformedChanges_andBatchesCoveringMoreThanTheirSenderHolds_areRejectedWithTheReasonAndApplyNothing() throws Exception {
    SiteId stranger = SiteId.random(new java.util.Random(2));
    long now = Hlc.ofMillis(System.currentTimeMillis());
    Change good = new Change("notes", "ok", null, null, stranger, 1, now, 1);
    List<Change> bad = List.of(
        new Change("notes", "k", "title", new java.math.BigDecimal("1.5"), stranger, 2, now, 1),
        new Change("notes", "k", "nope", "x", stranger, 2, now, 1),
        new Change("notes", "k", "title", "x", stranger, 2, now, 2),
        new Change("notes", "k", null, null, stranger, 0, now, 1));
    List<String> reasons = List.of("BigDecimal", "no tracked column nope", "malformed change", "malformed change");
    for (int i = 0; i < bad.size(); i++) {
      ChangeBatch batch = new ChangeBatch(VersionVector.empty(), List.of(good, bad.get(i)), VersionVector.empty());
      SQLException e = assertThrows(SQLException.class, () -> b.replica().apply(batch));
      assertTrue(e.getMessage().contains(reasons.get(i)), e.getMessage());
      assertTrue(e.getMessage().contains("Nothing from this batch was applied"), e.getMessage());
    }
    ChangeBatch overclaiming = new ChangeBatch(VersionVector.empty().with(stranger, 1), List.of(good),
        VersionVector.empty().with(stranger, 5));
    SQLException e = assertThrows(SQLException.class, () -> b.replica().apply(overclaiming));
    assertTrue(e.getMessage().contains("beyond the sender's own vector"), e.getMessage());
    assertEquals(List.of(), notes(b));
    assertEquals(VersionVector.empty(), b.replica().versionVector());
  }

  /**
   * Issue 8 (found by the sync's HostilePeerProperties): a column of a row this replica never held, without the row
   * cell that starts its life, threw a NullPointerException out of apply. A peer that withholds the row cell while its
   * vector says it was sent produces such a batch. There is no life to put the column in: it is ignored, and the rest
   * of the batch applies; a reconciliation brings the row whole later.
   */
  @Test
  void aColumnOfARowNeverHeldWithoutItsRowCell_isIgnoredAndTheRestApplies() throws Exception {
    SiteId stranger = SiteId.random(new java.util.Random(4));
    long now = Hlc.ofMillis(System.currentTimeMillis());
    MergeResult result = b.replica().apply(new ChangeBatch(VersionVector.empty().with(stranger, 3), List.of(
        new Change("notes", "orphan", "title", "lost", stranger, 2, now, 1),
        new Change("notes", "ok", null, null, stranger, 3, now, 1),
        new Change("notes", "ok", "title", "kept", stranger, 3, now, 1)),
        VersionVector.empty().with(stranger, 3)));

    assertEquals(1, result.cellsIgnored(), result.toString());
    assertEquals(List.of(java.util.Arrays.asList("ok", "kept", null, null)),
        b.query("SELECT id, title, body, n FROM notes"));
    assertEquals(3, b.replica().versionVector().get(stranger));
    assertEquals("ok", b.query("PRAGMA integrity_check").get(0).get(0));
  }

  @Test
  void aChildArrivingBeforeItsParent_doesNotFailTheMerge() throws Exception {
    String parent = "CREATE TABLE artist(id TEXT PRIMARY KEY NOT NULL, name TEXT)";
    String child = "CREATE TABLE album(id TEXT PRIMARY KEY NOT NULL, artist TEXT NOT NULL REFERENCES artist(id))";
    try (TestDatabase x = TestDatabase.create(dir, "x.db", parent, child);
        TestDatabase y = TestDatabase.create(dir, "y.db", "PRAGMA foreign_keys = ON", parent, child)) {
      for (TestDatabase db : List.of(x, y)) {
        db.replica().track("album"); // tracked first: its changes stream before the parent's
        db.replica().track("artist");
      }
      x.exec("INSERT INTO artist VALUES ('ar', 'Artist')", "INSERT INTO album VALUES ('al', 'ar')");
      y.replica().syncWith(x.replica(), 1);
      assertEquals(List.of(List.of("al", "ar")), y.query("SELECT * FROM album"));
      assertEquals(List.of(), y.query("PRAGMA foreign_key_check"));
      assertEquals(List.of(List.of(1L)), y.query("PRAGMA foreign_keys"), "the setting is restored");
    }
  }

  @Test
  void batches_commuteAndAreIdempotent() throws Exception {
    a.exec("INSERT INTO notes VALUES ('n', 'a', NULL, 1)");
    b.exec("INSERT INTO notes VALUES ('n', 'b', 'bb', 2)", "INSERT INTO notes VALUES ('m', 'b', NULL, 3)");
    ChangeBatch fromA = batchOfEverything(a);
    ChangeBatch fromB = batchOfEverything(b);
    try (TestDatabase x = replica("x.db"); TestDatabase y = replica("y.db")) {
      x.replica().apply(fromA);
      x.replica().apply(fromB);
      y.replica().apply(fromB);
      y.replica().apply(fromA);
      y.replica().apply(fromB);
      y.replica().apply(fromA);
      assertEquals(notes(x), notes(y));
      assertEquals(x.cells(), y.cells());
    }
  }

  @Test
  void merging_isAssociative() throws Exception {
    try (TestDatabase c = replica("c.db")) {
      a.exec("INSERT INTO notes VALUES ('n', 'a', 'a', 1)", "INSERT INTO notes VALUES ('gone', 'a', NULL, 1)");
      b.exec("INSERT INTO notes VALUES ('n', 'b', NULL, 2)", "DELETE FROM notes");
      c.exec("INSERT INTO notes VALUES ('n', 'c', 'c', 3)", "UPDATE notes SET title = 'c2'",
          "INSERT INTO notes VALUES ('gone', 'c', NULL, 3)");
      ChangeBatch fromA = batchOfEverything(a);
      ChangeBatch fromB = batchOfEverything(b);
      ChangeBatch fromC = batchOfEverything(c);
      try (TestDatabase left = replica("left.db"); TestDatabase ab = replica("ab.db");
          TestDatabase right = replica("right.db"); TestDatabase bc = replica("bc.db")) {
        ab.replica().apply(fromA); // (a + b) + c
        ab.replica().apply(fromB);
        left.replica().apply(batchOfEverything(ab));
        left.replica().apply(fromC);
        bc.replica().apply(fromB); // a + (b + c)
        bc.replica().apply(fromC);
        right.replica().apply(fromA);
        right.replica().apply(batchOfEverything(bc));
        assertEquals(notes(left), notes(right));
        assertEquals(left.cells(), right.cells());
      }
    }
  }

  static ChangeBatch batchOfEverything(TestDatabase db) throws SQLException {
    List<Change> changes = new ArrayList<>(db.cells().values());
    return new ChangeBatch(db.replica().versionVector(), changes, db.replica().versionVector());
  }
}
