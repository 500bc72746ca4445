package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counter columns add up concurrent increments instead of keeping one. */
class CounterTest {
  static final String STATS = "CREATE TABLE stats(page TEXT PRIMARY KEY NOT NULL, views INTEGER, title TEXT)";

  @TempDir Path dir;

  private TestDatabase replica(String name) throws SQLException {
    TestDatabase db = TestDatabase.create(dir, name, STATS);
    db.replica().track("stats", TrackOptions.counters("views"));
    return db;
  }

  private static Object views(TestDatabase db) throws SQLException {
    return db.query("SELECT views FROM stats WHERE page = 'home'").get(0).get(0);
  }

  @Test
  void concurrentIncrementsOnThreeReplicas_addUp() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db"); TestDatabase c = replica("c.db")) {
      a.exec("INSERT INTO stats VALUES ('home', 10, 'Home')");
      a.replica().syncWith(b.replica());
      b.replica().syncWith(c.replica());
      a.exec("UPDATE stats SET views = views + 1", "UPDATE stats SET views = views + 1");
      b.exec("UPDATE stats SET views = views + 5");
      c.exec("UPDATE stats SET views = views - 3, title = 'Start'");
      a.replica().syncWith(b.replica());
      c.replica().syncWith(b.replica());
      a.replica().syncWith(c.replica());

      for (TestDatabase db : List.of(a, b, c)) {
        assertEquals(14L, views(db), "10 + 2 + 5 - 3");
        assertEquals("Start", db.query("SELECT title FROM stats").get(0).get(0), "other columns stay LWW");
      }
      assertEquals(a.cells(), b.cells());
      assertEquals(a.cells(), c.cells());
      assertEquals(List.of(), a.replica().conflicts(), "increments do not conflict");
    }
  }

  @Test
  void aCounterRowDeletedAndReinserted_startsFromItsNewValue() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO stats VALUES ('home', 10, 'Home')");
      a.replica().syncWith(b.replica());
      b.exec("UPDATE stats SET views = views + 5");
      a.exec("DELETE FROM stats", "INSERT INTO stats VALUES ('home', 1, 'Home again')");
      a.replica().syncWith(b.replica());
      assertEquals(1L, views(a), "the increment belonged to the old life");
      assertEquals(1L, views(b));
      assertEquals(a.cells(), b.cells());
    }
  }

  @Test
  void aNullCounter_staysNullEverywhere() throws Exception {
    try (TestDatabase a = replica("a.db"); TestDatabase b = replica("b.db")) {
      a.exec("INSERT INTO stats VALUES ('home', NULL, 'Home')");
      a.replica().syncWith(b.replica());
      assertEquals(null, views(b));
      b.exec("UPDATE stats SET views = coalesce(views, 0) + 1");
      a.replica().syncWith(b.replica());
      assertEquals(1L, views(a));
    }
  }

  @Test
  void countersDeclaredInSql_andMistakesNamed() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("sql.db"))) {
      c.createStatement().execute(STATS);
      var e = assertThrows(SQLException.class,
          () -> c.createStatement().executeQuery("SELECT lattice_track('stats', '{\"counters\":[\"nope\"]}')"));
      assertTrue(e.getMessage().contains("counter column nope"), e.getMessage());
      e = assertThrows(SQLException.class,
          () -> c.createStatement().executeQuery("SELECT lattice_track('stats', '{\"counter\":[\"views\"]}')"));
      assertTrue(e.getMessage().contains("unknown or misused key \"counter\""), e.getMessage());
      e = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SELECT lattice_track('stats', '{')"));
      assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
      c.createStatement().executeQuery("SELECT lattice_track('stats', '{\"counters\":[\"views\"]}')").close();
      c.createStatement().execute("INSERT INTO stats VALUES ('home', 3, 't')");
      c.createStatement().executeQuery("SELECT lattice_fold()").close();
      var r = c.createStatement().executeQuery("SELECT value FROM lattice_changes WHERE column_name = 'views'");
      assertTrue(r.next());
      assertEquals(3, r.getInt(1), "the view shows this site's contribution");
    }
  }
}
