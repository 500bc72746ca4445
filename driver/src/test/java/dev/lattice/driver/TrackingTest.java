package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which tables Lattice tracks, what it refuses and warns about, and what tracking records. */
class TrackingTest {
  @TempDir Path dir;

  private TestDatabase db(String... ddl) throws SQLException {
    return TestDatabase.create(dir, "app.db", ddl);
  }

  private static void assertRefused(TestDatabase db, String table, String... phrases) {
    SQLException e = assertThrows(SQLException.class, () -> db.replica().track(table));
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), () -> "'" + phrase + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void tableWithoutPrimaryKey_isRefusedWithTheFix() throws Exception {
    try (TestDatabase db = db("CREATE TABLE log(at TEXT, line TEXT)")) {
      assertRefused(db, "log", "cannot track table log", "no PRIMARY KEY", "Fix:");
      assertEquals(List.of(), db.replica().trackedTables());
    }
  }

  @Test
  void nullablePrimaryKey_isRefusedAndNamesTheColumn() throws Exception {
    try (TestDatabase db = db("CREATE TABLE tags(name TEXT PRIMARY KEY, color TEXT)")) {
      assertRefused(db, "tags", "name", "accept NULL", "NOT NULL");
    }
  }

  @Test
  void viewsMissingAndInternalTables_areRefused() throws Exception {
    try (TestDatabase db = db("CREATE TABLE a(id TEXT PRIMARY KEY NOT NULL)", "CREATE VIEW v AS SELECT * FROM a")) {
      assertRefused(db, "v", "is a view");
      assertRefused(db, "nope", "no table of that name");
      db.replica().track("a");
      assertRefused(db, "lattice_log", "internal table");
    }
  }

  @Test
  void refusedTable_leavesTheDatabaseAsItWas() throws Exception {
    try (TestDatabase db = db("CREATE TABLE log(at TEXT, line TEXT)")) {
      String before = db.query("SELECT group_concat(name) FROM sqlite_schema").toString();
      assertThrows(SQLException.class, () -> db.replica().track("log"));
      assertEquals(before, db.query("SELECT group_concat(name) FROM sqlite_schema").toString());
    }
  }

  @Test
  void integerPrimaryKey_isTrackedWithACollisionWarning() throws Exception {
    try (TestDatabase db = db("CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)")) {
      TrackReport report = db.replica().track("items");
      assertTrue(report.newlyTracked());
      assertEquals(1, report.warnings().size());
      assertTrue(report.warnings().get(0).contains("AUTOINCREMENT"), report.warnings()::toString);
      assertTrue(report.warnings().get(0).contains("UUID"), report.warnings()::toString);
    }
  }

  @Test
  void extraUniqueConstraint_isTrackedWithAWarning() throws Exception {
    try (TestDatabase db = db("CREATE TABLE users(id TEXT PRIMARY KEY NOT NULL, email TEXT UNIQUE)")) {
      List<String> warnings = db.replica().track("users").warnings();
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).contains("UNIQUE") && warnings.get(0).contains("REPLACE"), warnings::toString);
    }
  }

  @Test
  void tracking_capturesTheRowsAlreadyThereAndIsIdempotent() throws Exception {
    try (TestDatabase db = db("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)",
        "INSERT INTO notes VALUES ('a', 'x'), ('b', 'y'), ('c', NULL)")) {
      TrackReport first = db.replica().track("notes");
      assertEquals(3, first.rowsCaptured());
      assertFalse(db.replica().track("notes").newlyTracked());
      Map<String, Change> cells = db.cells();
      assertEquals(6, cells.size(), cells::toString);
      assertEquals("y", cells.get("notes/b/body").value());
      assertEquals(3, db.replica().versionVector().get(db.replica().siteId()));
    }
  }

  @Test
  void untrack_stopsCaptureAndRetrackRecordsWhatHappenedMeanwhile() throws Exception {
    try (TestDatabase db = db("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)",
        "INSERT INTO notes VALUES ('keep', 'x'), ('gone', 'y')")) {
      db.replica().track("notes");
      assertTrue(db.replica().untrack("notes"));
      assertFalse(db.replica().untrack("notes"));
      db.exec("DELETE FROM notes WHERE id = 'gone'", "INSERT INTO notes VALUES ('new', 'z')",
          "UPDATE notes SET body = 'edited' WHERE id = 'keep'");
      assertEquals(2, db.replica().versionVector().get(db.replica().siteId()), "nothing captured while untracked");

      TrackReport again = db.replica().track("notes");
      assertEquals(3, again.rowsCaptured());
      Map<String, Change> cells = db.cells();
      assertEquals(2, cells.get("notes/gone/-").cl());
      assertEquals("z", cells.get("notes/new/body").value());
      assertEquals("edited", cells.get("notes/keep/body").value());
      assertTrue(cells.get("notes/keep/body").seq() > 2);
    }
  }

  @Test
  void quotedAndBracketedIdentifiers_work() throws Exception {
    try (TestDatabase db = db("CREATE TABLE \"my \"\"odd\"\" table\"([key col] TEXT PRIMARY KEY NOT NULL,"
        + " \"select\" TEXT, `it's` INTEGER)")) {
      db.replica().track("my \"odd\" table");
      db.exec("INSERT INTO \"my \"\"odd\"\" table\" VALUES ('k', 'v', 1)",
          "UPDATE \"my \"\"odd\"\" table\" SET `it's` = 2");
      Map<String, Change> cells = db.cells();
      assertEquals("v", cells.get("my \"odd\" table/k/select").value());
      assertEquals(2L, cells.get("my \"odd\" table/k/it's").value());
      assertEquals(2, cells.get("my \"odd\" table/k/it's").seq());
    }
  }

  @Test
  void everySqliteType_roundTripsExactly() throws Exception {
    try (TestDatabase db = db("CREATE TABLE v(id TEXT PRIMARY KEY NOT NULL, i INTEGER, r REAL, t TEXT, b BLOB, n)")) {
      db.replica().track("v");
      byte[] blob = new byte[] {0, 1, (byte) 0xff, 0};
      String large = "x".repeat(1_000_000);
      double awkward = 0.1 + 0.2;
      try (var p = db.connection().prepareStatement("INSERT INTO v VALUES ('k', ?, ?, ?, ?, NULL)")) {
        p.setLong(1, Long.MIN_VALUE);
        p.setDouble(2, awkward);
        p.setString(3, large);
        p.setBytes(4, blob);
        p.executeUpdate();
      }
      Map<String, Change> cells = db.cells();
      assertEquals(Long.MIN_VALUE, cells.get("v/k/i").value());
      assertEquals(Double.doubleToRawLongBits(awkward),
          Double.doubleToRawLongBits((Double) cells.get("v/k/r").value()));
      assertEquals(large, cells.get("v/k/t").value());
      assertArrayEquals(blob, (byte[]) cells.get("v/k/b").value());
      assertEquals(null, cells.get("v/k/n").value());
    }
  }

  @Test
  void keysOfEveryType_identifyTheirRows() throws Exception {
    try (TestDatabase db = db("CREATE TABLE k(id PRIMARY KEY NOT NULL, v TEXT)")) {
      db.replica().track("k");
      try (var p = db.connection().prepareStatement("INSERT INTO k VALUES (?, 'x')")) {
        for (Object key : new Object[] {42L, 1.5, "42", new byte[] {4, 2}}) {
          p.setObject(1, key);
          p.executeUpdate();
        }
      }
      db.exec("UPDATE k SET v = 'y'");
      Map<String, Change> cells = db.cells();
      assertEquals(8, cells.size(), cells::toString);
      for (String key : List.of("(Long)42", "(Double)1.5", "42", "x'0402'")) {
        assertEquals(1, cells.get("k/" + key + "/-").cl(), key);
        assertEquals("y", cells.get("k/" + key + "/v").value(), key);
      }
    }
  }

  @Test
  void compositeKeysAndWithoutRowidTables_work() throws Exception {
    try (TestDatabase db = db("CREATE TABLE playlist_track(playlist INTEGER NOT NULL, track TEXT NOT NULL,"
        + " position INTEGER, PRIMARY KEY (playlist, track)) WITHOUT ROWID")) {
      db.replica().track("playlist_track");
      db.exec("INSERT INTO playlist_track VALUES (1, 'it''s, here', 1), (1, 'b', 2)",
          "UPDATE playlist_track SET position = 9 WHERE track = 'b'",
          "UPDATE playlist_track SET track = 'c' WHERE track = 'it''s, here'");
      Map<String, Change> cells = db.cells();
      assertEquals(9L, cells.get("playlist_track/1,'b'/position").value());
      assertEquals(2, cells.get("playlist_track/1,'it''s, here'/-").cl());
      assertEquals(1L, cells.get("playlist_track/1,'c'/position").value());
    }
  }

  @Test
  void tableOfOnlyKeyColumns_capturesInsertsAndDeletes() throws Exception {
    try (TestDatabase db = db("CREATE TABLE tagged(note TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (note, tag))")) {
      db.replica().track("tagged");
      db.exec("INSERT INTO tagged VALUES ('n', 'red'), ('n', 'blue')", "DELETE FROM tagged WHERE tag = 'red'");
      Map<String, Change> cells = db.cells();
      assertEquals(2, cells.size(), cells::toString);
      assertEquals(2, cells.get("tagged/'n','red'/-").cl());
      assertEquals(1, cells.get("tagged/'n','blue'/-").cl());
    }
  }
}
