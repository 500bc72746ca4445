package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An existing application's database (Chinook: foreign keys, composite keys, 15k rows) enabled on two devices, edited
 * on both, migrated with an added and a dropped column on one of them first: the other is refused with the difference
 * named, keeps its edits, migrates, and the two converge.
 */
class ChinookMigrationTest {
  private static final String[] MIGRATION = {
    "ALTER TABLE Track ADD COLUMN Rating INTEGER NOT NULL DEFAULT 0",
    "UPDATE Track SET Rating = 5 WHERE AlbumId = 1",
    "ALTER TABLE Customer DROP COLUMN Fax",
  };

  @TempDir Path dir;

  @Test
  void chinook_editedOnTwoReplicas_migratedOnOneFirst_thenOnTheOther_converges() throws Exception {
    Path original = ChinookTest.copyOfChinook(dir);
    Files.copy(original, dir.resolve("a.db"));
    Files.copy(original, dir.resolve("b.db"));
    try (Connection a = driver("a"); Connection b = driver("b")) {
      List<String> tables = tables(a);
      for (String table : tables) {
        Replica.of(a).track(table);
        Replica.of(b).track(table);
      }
      Replica.of(a).syncWith(Replica.of(b));

      exec(a, "UPDATE Album SET Title = 'Edited on a' WHERE AlbumId = 2", "DELETE FROM PlaylistTrack WHERE"
          + " PlaylistId = 1 AND TrackId = 3", "INSERT INTO Genre(GenreId, Name) VALUES (1000, 'Added on a')");
      exec(b, "UPDATE Customer SET Fax = 'edited on b', City = 'Edited on b' WHERE CustomerId = 1",
          "INSERT INTO Artist(ArtistId, Name) VALUES (1000, 'Added on b')");
      migrate(a);

      SQLException refused = assertThrows(SQLException.class, () -> Replica.of(a).syncWith(Replica.of(b)));
      assertTrue(refused.getMessage().contains("Track") && refused.getMessage().contains("Rating")
          && refused.getMessage().contains("Customer"), refused.getMessage());

      migrate(b);
      Replica.of(a).syncWith(Replica.of(b));

      for (String table : tables) {
        assertEquals(rows(a, table), rows(b, table), table);
      }
      assertEquals(Replica.of(a).versionVector(), Replica.of(b).versionVector());
      assertEquals(Replica.of(a).merkleRoot(), Replica.of(b).merkleRoot());
      assertEquals(List.of(List.of("Edited on a")), query(b, "SELECT Title FROM Album WHERE AlbumId = 2"));
      assertEquals(List.of(List.of("Edited on b")), query(a, "SELECT City FROM Customer WHERE CustomerId = 1"));
      assertEquals(List.of(List.of(10L, 10L)), query(a, "SELECT count(*), sum(Rating = 5) FROM Track WHERE AlbumId"
          + " = 1"), "album 1's ten tracks rated by the migration on both");
      assertEquals(List.of(), query(a, "SELECT 1 FROM pragma_table_info('Customer') WHERE name = 'Fax'"));
    }
  }

  /** The migration, run through the driver in one transaction as a migration tool would. */
  private static void migrate(Connection c) throws SQLException {
    c.setAutoCommit(false);
    exec(c, MIGRATION);
    c.commit();
    c.setAutoCommit(true);
  }

  private Connection driver(String name) throws SQLException {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve(name + ".db"));
  }

  private static List<String> tables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    query(c, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE"
        + " 'lattice%' ORDER BY name").forEach(r -> tables.add((String) r.get(0)));
    return tables;
  }

  private static List<List<Object>> rows(Connection c, String table) throws SQLException {
    return query(c, "SELECT * FROM \"" + table + "\" ORDER BY 1, 2");
  }

  private static List<List<Object>> query(Connection c, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          Object value = r.getObject(i);
          row.add(value instanceof Integer n ? Long.valueOf(n) : value);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }
}
