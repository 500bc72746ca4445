package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An existing application's database: the Chinook sample (foreign keys, composite keys, 15k rows), copied. */
class ChinookTest {
  /** The repository's fixtures/ folder; the build passes its path (see the parent POM). */
  static final Path CHINOOK = Path.of(System.getProperty("lattice.fixtures", "../fixtures"),
      "chinook.sqlite");

  @TempDir Path dir;

  static Path copyOfChinook(Path dir) throws Exception {
    assertTrue(Files.exists(CHINOOK), "fixture missing: " + CHINOOK.toAbsolutePath());
    return Files.copy(CHINOOK, dir.resolve("chinook.db"));
  }

  @Test
  void everyTableOfChinook_isTrackedAndEveryRowCaptured() throws Exception {
    copyOfChinook(dir);
    try (TestDatabase db = TestDatabase.create(dir, "chinook.db")) {
      List<String> tables = new ArrayList<>();
      db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
          .forEach(r -> tables.add((String) r.get(0)));
      long rows = 0;
      long captured = 0;
      for (String table : tables) {
        rows += (Long) db.query("SELECT count(*) FROM \"" + table + "\"").get(0).get(0);
        TrackReport report = db.replica().track(table);
        captured += report.rowsCaptured();
        // Chinook keys are INTEGER PRIMARY KEYs, except the composite PlaylistTrack key: each gets its warning.
        if (!table.equals("PlaylistTrack")) {
          assertTrue(report.warnings().stream().anyMatch(w -> w.contains("INTEGER PRIMARY KEY")), report::toString);
        }
      }
      assertEquals(11, tables.size());
      assertEquals(rows, captured);
      assertTrue(rows > 15_000, "rows: " + rows);
      assertEquals(tables, db.replica().trackedTables().stream().sorted().toList());

      long playlistEntries = (Long) db.query("SELECT count(*) FROM PlaylistTrack WHERE TrackId = 1").get(0).get(0);
      db.exec("UPDATE Track SET Name = 'renamed' WHERE TrackId = 1", "DELETE FROM PlaylistTrack WHERE TrackId = 1");
      Map<String, Change> cells = db.cells();
      assertEquals("renamed", cells.get("Track/(Long)1/Name").value());
      assertEquals(2, cells.get("PlaylistTrack/1,1/-").cl());
      assertEquals(rows + 1 + playlistEntries, db.replica().versionVector().get(db.replica().siteId()),
          "one sequence number per captured row, then one per later write");
    }
  }
}
