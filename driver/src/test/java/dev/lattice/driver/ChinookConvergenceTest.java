package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two copies of an existing application's database, edited concurrently, converge. */
class ChinookConvergenceTest {
  @TempDir Path dir;

  @Test
  void concurrentEditsOfChinook_includingDeletesOfReferencedRows_converge() throws Exception {
    Path original = ChinookTest.copyOfChinook(dir);
    Files.copy(original, dir.resolve("a.db"));
    Files.copy(original, dir.resolve("b.db"));
    try (TestDatabase a = TestDatabase.create(dir, "a.db"); TestDatabase b = TestDatabase.create(dir, "b.db")) {
      List<String> tables = new ArrayList<>();
      a.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
          .forEach(r -> tables.add((String) r.get(0)));
      for (String table : tables) {
        a.replica().track(table);
        b.replica().track(table);
      }
      a.replica().syncWith(b.replica());
      assertEquals(contents(a, tables), contents(b, tables));
      assertTrue(a.replica().conflicts().isEmpty() && b.replica().conflicts().isEmpty(),
          "identical copies tracked twice hold equal values: nothing to conflict over");

      // Artist 1 (AC/DC) has albums, whose tracks are in invoices and playlists.
      a.exec("DELETE FROM Artist WHERE ArtistId = 1", "UPDATE Album SET Title = 'Let There Be Rock (a)'"
          + " WHERE AlbumId = 4", "INSERT INTO Genre(GenreId, Name) VALUES (1000, 'Lattice Rock')",
          "DELETE FROM PlaylistTrack WHERE PlaylistId = 1 AND TrackId = 3");
      b.exec("UPDATE Album SET Title = 'Let There Be Rock (b)' WHERE AlbumId = 4",
          "INSERT INTO Album(AlbumId, Title, ArtistId) VALUES (1000, 'New on b', 1)",
          "UPDATE Track SET UnitPrice = 1.99 WHERE AlbumId = 1", "DELETE FROM InvoiceLine WHERE InvoiceLineId < 10",
          "UPDATE PlaylistTrack SET PlaylistId = 18 WHERE PlaylistId = 1 AND TrackId = 1");
      a.replica().syncWith(b.replica());

      assertEquals(contents(a, tables), contents(b, tables));
      assertEquals(a.replica().versionVector(), b.replica().versionVector());
      assertEquals(List.of(), a.query("SELECT * FROM Artist WHERE ArtistId = 1"));
      assertEquals(List.of(List.of("New on b", 1L)), a.query("SELECT Title, ArtistId FROM Album WHERE AlbumId = 1000"),
          "an album added concurrently with its artist's deletion stays, an orphan on both sides alike");
      assertEquals(1, a.replica().conflicts().size() + b.replica().conflicts().size(), "the two album titles");
    }
  }

  private static List<List<List<Object>>> contents(TestDatabase db, List<String> tables) throws SQLException {
    List<List<List<Object>>> all = new ArrayList<>();
    for (String table : tables) {
      all.add(db.query("SELECT * FROM \"" + table + "\" ORDER BY 1, 2"));
    }
    return all;
  }
}
