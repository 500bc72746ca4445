package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture is done by triggers in the database, so writes are captured whoever makes them: a plain sqlite-jdbc
 * connection that knows nothing of Lattice, or the sqlite3 shell (SQLite 3.40 from Debian, older than sqlite-jdbc's).
 */
class ForeignWritersTest {
  @TempDir Path dir;

  @Test
  void writesFromASecondPlainConnection_areCaptured() throws Exception {
    try (TestDatabase db = TestDatabase.create(dir, "app.db",
        "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)")) {
      db.replica().track("notes");
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db.file())) {
        other.createStatement().execute("INSERT INTO notes VALUES ('a', 'from elsewhere')");
        db.exec("INSERT INTO notes VALUES ('b', 'from here')");
        db.replica().fold();
        other.createStatement().execute("UPDATE notes SET body = 'edited elsewhere' WHERE id = 'b'");
      }
      Map<String, Change> cells = db.cells();
      assertEquals("from elsewhere", cells.get("notes/a/body").value());
      assertEquals("edited elsewhere", cells.get("notes/b/body").value());
      assertEquals(3, cells.get("notes/b/body").seq());
    }
  }

  @Test
  void writesFromTheSqlite3Shell_areCaptured() throws Exception {
    try (TestDatabase db = TestDatabase.create(dir, "app.db",
        "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT, n INTEGER)",
        "CREATE TABLE pairs(a INTEGER NOT NULL, b TEXT NOT NULL, v REAL, PRIMARY KEY (a, b)) WITHOUT ROWID")) {
      db.replica().track("notes");
      db.replica().track("pairs");
      db.exec("INSERT INTO notes VALUES ('before', 'x', 1)");

      String out = shell(db.file(), "INSERT INTO notes VALUES ('s1', 'shell', 1);"
          + " UPDATE notes SET n = 2 WHERE id = 's1';"
          + " INSERT OR REPLACE INTO notes VALUES ('before', 'replaced', 1);"
          + " UPDATE notes SET id = 's2' WHERE id = 's1';"
          + " INSERT INTO pairs VALUES (1, 'x', 0.5);"
          + " DELETE FROM pairs;"
          + " SELECT count(*) FROM lattice_log;");
      assertEquals("8", out.strip(), "'before' plus the shell's 7 row operations, rekey counting two");

      Map<String, Change> cells = db.cells();
      assertEquals(2, cells.get("notes/s1/-").cl());
      assertEquals(2L, cells.get("notes/s2/n").value());
      assertEquals(3, cells.get("notes/before/-").cl());
      assertEquals("replaced", cells.get("notes/before/body").value());
      assertEquals(2, cells.get("pairs/1,'x'/-").cl());
      long previous = 0;
      for (Change c : cells.values()) {
        assertTrue(c.hlc() > 0);
        previous = Math.max(previous, c.seq());
      }
      assertEquals(8, previous, "one sequence number per row operation");
    }
  }

  /** Runs SQL through the sqlite3 shell; .ci/run installs it from Debian's packages where it is missing. */
  static String shell(Path database, String sql) throws Exception {
    Process p = new ProcessBuilder("sqlite3", database.toString(), sql).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sqlite3 did not finish");
    assertEquals(0, p.exitValue(), () -> "sqlite3 failed: " + out);
    return out;
  }
}
