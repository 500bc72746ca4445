package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.Hlc;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What capture records for each kind of write, read back through the replica API. */
class CaptureTest {
  @TempDir Path dir;
  TestDatabase db;

  @BeforeEach
  void notesTable() throws Exception {
    db = TestDatabase.create(dir, "app.db",
        "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT, stars INTEGER)");
    db.replica().track("notes");
  }

  @Test
  void insert_recordsTheRowAndEveryColumnAtOneVersion() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'hello', NULL, 3)");

    Map<String, Change> cells = db.cells();
    SiteId site = db.replica().siteId();
    assertEquals(4, cells.size(), cells::toString);
    Change row = cells.get("notes/n1/-");
    assertEquals(1, row.cl());
    assertEquals(site, row.site());
    assertEquals(1, row.seq());
    assertEquals("hello", cells.get("notes/n1/title").value());
    assertNull(cells.get("notes/n1/body").value());
    assertEquals(3L, cells.get("notes/n1/stars").value());
    cells.values().forEach(c -> assertEquals(row.seq(), c.seq(), c::toString));
    cells.values().forEach(c -> assertEquals(row.hlc(), c.hlc(), c::toString));
  }

  @Test
  void update_recordsOnlyTheColumnsWhoseValueChanged() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'hello', 'b', 3)");
    db.exec("UPDATE notes SET title = 'bye', stars = 3 WHERE id = 'n1'");

    Map<String, Change> cells = db.cells();
    assertEquals(2, cells.get("notes/n1/title").seq());
    assertEquals("bye", cells.get("notes/n1/title").value());
    assertEquals(1, cells.get("notes/n1/stars").seq(), "stars was set to its own value");
    assertEquals(1, cells.get("notes/n1/body").seq());
    assertEquals(1, cells.get("notes/n1/-").seq());
    assertTrue(cells.get("notes/n1/title").hlc() > cells.get("notes/n1/-").hlc());
  }

  @Test
  void updateToTheSameValues_recordsNothing() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'hello', 'b', 3)", "UPDATE notes SET title = 'hello'");
    assertEquals(Map.of(db.replica().siteId(), 1L), db.replica().versionVector().entries());
  }

  @Test
  void delete_leavesOnlyTheRowCellWithAnEvenCausalLength() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'hello', 'b', 3)", "DELETE FROM notes WHERE id = 'n1'");

    Map<String, Change> cells = db.cells();
    assertEquals(1, cells.size(), cells::toString);
    assertEquals(2, cells.get("notes/n1/-").cl());
    assertEquals(2, cells.get("notes/n1/-").seq());
  }

  @Test
  void reinsertAfterDelete_startsANewLifeWithTheNewValues() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'old', 'b', 3)", "UPDATE notes SET body = 'edited'",
        "DELETE FROM notes", "INSERT INTO notes VALUES ('n1', 'new', NULL, 1)");

    Map<String, Change> cells = db.cells();
    assertEquals(3, cells.get("notes/n1/-").cl());
    assertEquals(4, cells.get("notes/n1/-").seq());
    assertEquals(4, cells.get("notes/n1/body").seq(), "the old life's column version is gone");
    assertNull(cells.get("notes/n1/body").value());
    assertEquals("new", cells.get("notes/n1/title").value());
  }

  @Test
  void insertOrReplaceOverALiveRow_isADeleteAndAReinsert() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'old', 'b', 3)",
        "INSERT OR REPLACE INTO notes VALUES ('n1', 'new', 'b', 3)");

    Map<String, Change> cells = db.cells();
    assertEquals(3, cells.get("notes/n1/-").cl());
    assertEquals("new", cells.get("notes/n1/title").value());
    assertEquals(2, cells.get("notes/n1/body").seq());
  }

  @Test
  void upsertDoUpdate_isAnUpdateOfTheChangedColumns() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'old', 'b', 3)",
        "INSERT INTO notes VALUES ('n1', 'x', 'y', 9) ON CONFLICT(id) DO UPDATE SET stars = excluded.stars");

    Map<String, Change> cells = db.cells();
    assertEquals(1, cells.get("notes/n1/-").cl());
    assertEquals(2, cells.get("notes/n1/stars").seq());
    assertEquals(9L, cells.get("notes/n1/stars").value());
    assertEquals(1, cells.get("notes/n1/title").seq());
  }

  @Test
  void insertOrIgnoreOfAnExistingKey_recordsNothing() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'old', 'b', 3)", "INSERT OR IGNORE INTO notes VALUES ('n1', 'x', 'y', 9)");
    assertEquals(1, db.replica().versionVector().get(db.replica().siteId()));
  }

  @Test
  void primaryKeyUpdate_deletesTheOldKeyAndCreatesTheNewOne() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'hello', 'b', 3)", "UPDATE notes SET id = 'n2' WHERE id = 'n1'");

    Map<String, Change> cells = db.cells();
    assertEquals(2, cells.get("notes/n1/-").cl());
    assertFalse(cells.containsKey("notes/n1/title"));
    assertEquals(1, cells.get("notes/n2/-").cl());
    assertEquals("hello", cells.get("notes/n2/title").value());
    assertEquals(3, cells.get("notes/n2/title").seq());
  }

  @Test
  void sequenceNumbers_areContiguousAndARolledBackWriteLeavesNoGap() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'a', 'b', 1)", "BEGIN",
        "INSERT INTO notes VALUES ('n2', 'a', 'b', 1)", "ROLLBACK", "INSERT INTO notes VALUES ('n3', 'a', 'b', 1)");

    Map<String, Change> cells = db.cells();
    assertEquals(1, cells.get("notes/n1/-").seq());
    assertEquals(2, cells.get("notes/n3/-").seq());
    assertFalse(cells.containsKey("notes/n2/-"));
  }

  @Test
  void clock_isAheadOfTheWallClockAndIncreasesWithinAStatement() throws Exception {
    long before = System.currentTimeMillis();
    db.exec("INSERT INTO notes SELECT 'k' || value, 't', 'b', value FROM json_each('[1,2,3,4,5]')");

    long previous = 0;
    for (long seq = 1; seq <= 5; seq++) {
      Change row = db.cells().get("notes/k" + seq + "/-");
      assertEquals(seq, row.seq());
      assertTrue(row.hlc() > previous, "hlc must increase with seq");
      assertTrue(Hlc.millis(row.hlc()) >= before - 1, () -> "hlc " + Hlc.toString(row.hlc()) + " is behind the clock");
      previous = row.hlc();
    }
  }

  @Test
  void versionVector_holdsTheHighestLocalSequence() throws Exception {
    assertEquals(VersionVector.empty(), db.replica().versionVector());
    db.exec("INSERT INTO notes VALUES ('n1', 'a', 'b', 1)", "INSERT INTO notes VALUES ('n2', 'a', 'b', 1)");
    assertEquals(Map.of(db.replica().siteId(), 2L), db.replica().versionVector().entries());
    assertEquals(2L, db.query("SELECT seq FROM lattice_version_vector").get(0).get(0));
  }

  @Test
  void changesSince_returnsOnlyVersionsAboveThePeersVector() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'a', 'b', 1)", "INSERT INTO notes VALUES ('n2', 'a', 'b', 1)");
    SiteId site = db.replica().siteId();
    db.exec("UPDATE notes SET title = 'z' WHERE id = 'n1'");

    Map<String, Change> cells = db.cellsSince(VersionVector.of(Map.of(site, 2L)));
    assertEquals(1, cells.size(), cells::toString);
    assertEquals("z", cells.get("notes/n1/title").value());
  }

  @Test
  void siteId_isCreatedOnceAndKeptInTheFile() throws Exception {
    SiteId site = db.replica().siteId();
    db.close();
    try (TestDatabase again = TestDatabase.create(dir, "app.db")) {
      assertEquals(site, again.replica().siteId());
      assertArrayEquals(site.bytes(), (byte[]) again.query("SELECT value FROM lattice_meta WHERE key = 'site_id'")
          .get(0).get(0));
    }
  }

  @Test
  void lattiseChangesView_showsTheSameCellsAsTheApi() throws Exception {
    db.exec("INSERT INTO notes VALUES ('n1', 'a', 'b', 1)", "INSERT INTO notes VALUES ('n2', 'c', NULL, 2)",
        "UPDATE notes SET body = 'x' WHERE id = 'n2'", "DELETE FROM notes WHERE id = 'n1'");
    db.replica().fold();

    Map<String, Change> api = db.cells();
    var rows = db.query("SELECT table_name, pk, column_name, value, site_id, seq, hlc, cl FROM lattice_changes");
    assertEquals(api.size(), rows.size());
    for (var r : rows) {
      Change c = new Change((String) r.get(0), r.get(1), (String) r.get(2), r.get(3), SiteId.of((byte[]) r.get(4)),
          (Long) r.get(5), (Long) r.get(6), (Long) r.get(7));
      assertEquals(api.get(TestDatabase.key(c)), c);
    }
  }
}
