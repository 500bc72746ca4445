package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tour of the public API as the README shows it, compiled and run: if this stops compiling, the README's example
 * and the API have drifted apart.
 */
class ReplicaApiTourTest {
  @TempDir Path dir;

  @Test
  void theReadmeQuickStart_runsAsWritten() throws Exception {
    List<Change> seen = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("notes.db"))) {
      Statement s = c.createStatement();
      s.execute("CREATE TABLE IF NOT EXISTS notes(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT)");
      s.execute("SELECT lattice_track('notes')");

      s.execute("INSERT INTO notes VALUES ('n1', 'hello', 'first note')");
      s.execute("UPDATE notes SET body = 'edited' WHERE id = 'n1'");

      try (ChangeStream changes = Replica.of(c).changesSince(VersionVector.empty())) {
        for (Change change; (change = changes.next()) != null; ) {
          seen.add(change);
        }
      }
    }
    assertEquals(3, seen.size(), seen::toString);
    assertTrue(seen.stream().anyMatch(ch -> "body".equals(ch.column()) && "edited".equals(ch.value())
        && ch.seq() == 2), seen::toString);
  }

  @Test
  void theReadmeSyncExample_runsAsWritten() throws Exception {
    try (Connection laptopConnection = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("l.db"));
        Connection phoneConnection = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("p.db"))) {
      for (Connection c : List.of(laptopConnection, phoneConnection)) {
        c.createStatement().execute("CREATE TABLE stats(page TEXT PRIMARY KEY NOT NULL, views INTEGER)");
        Replica.of(c).track("stats", TrackOptions.counters("views"));
        c.createStatement().execute("INSERT OR IGNORE INTO stats VALUES ('home', 0)");
      }
      Replica laptop = Replica.of(laptopConnection);
      Replica phone = Replica.of(phoneConnection);
      laptop.syncWith(phone);
      laptopConnection.createStatement().execute("UPDATE stats SET views = views + 1");
      phoneConnection.createStatement().execute("UPDATE stats SET views = views + 1");

      MergeResult result = laptop.syncWith(phone);

      assertTrue(result.cellsApplied() > 0);
      assertEquals(List.of(), laptop.conflicts());
      try (var r = phoneConnection.createStatement().executeQuery("SELECT views FROM stats")) {
        r.next();
        assertEquals(2, r.getInt(1), "both increments count");
      }
    }
  }
}
