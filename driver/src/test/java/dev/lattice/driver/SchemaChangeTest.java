package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
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
 * Tracked tables keep syncing through schema changes: ALTER TABLE ADD / RENAME / DROP COLUMN and the rebuilds that
 * migration tools write, each run through a {@code jdbc:lattice:} connection or through plain SQLite followed by the
 * driver's next open. Two replicas, {@code a} and {@code b}, start with the same rows and run the same migration.
 */
class SchemaChangeTest {
  private static final String NOTE = "CREATE TABLE note(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT)";

  @TempDir Path dir;

  @Test
  void addColumn_throughTheDriver_capturesWritesToTheNewColumn_andSyncs() throws Exception {
    syncedPair();
    try (Connection a = driver("a"); Connection b = driver("b")) {
      String add = "ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT ''";
      exec(a, add, "UPDATE note SET tags = 'work' WHERE id = 'n1'");
      exec(b, add);

      sync(a, b);

      assertEquals("work", one(b, "SELECT tags FROM note WHERE id = 'n1'"));
      assertEquals("", one(b, "SELECT tags FROM note WHERE id = 'n2'"));
      assertConverged(a, b);
      assertEquals(List.of(), Replica.of(a).conflicts(), "a write and another replica's migration default do not"
          + " conflict");
      assertEquals(List.of(), Replica.of(b).conflicts());
    }
  }

  @Test
  void addColumn_throughPlainSqlite_isFollowedAtTheNextOpen_valuesTheMigrationSetAreCaptured() throws Exception {
    syncedPair();
    try (Connection plain = plain("a")) {
      exec(plain, "ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
          "UPDATE note SET tags = 'set by the migration' WHERE id = 'n2'");
    }
    try (Connection a = driver("a"); Connection b = driver("b")) {
      exec(b, "ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT ''");
      sync(a, b);
      assertEquals("set by the migration", one(b, "SELECT tags FROM note WHERE id = 'n2'"));
      assertConverged(a, b);
    }
  }

  @Test
  void addColumn_byAnotherConnection_betweenTwoMergesOnOneDriverConnection_isFollowedBeforeTheSecond()
      throws Exception {
    syncedPair();
    try (Connection a = driver("a"); Connection b = driver("b")) {
      exec(b, "UPDATE note SET title = 'merged before the change' WHERE id = 'n1'");
      sync(a, b); // a's connection now keeps its merge statements and the table's shape
      try (Connection other = plain("a")) {
        exec(other, "ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT ''");
      }
      exec(b, "ALTER TABLE note ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
          "INSERT INTO note(id, title, tags) VALUES ('n4', 'merged after it', 'new column')");

      sync(a, b);

      assertEquals("new column", one(a, "SELECT tags FROM note WHERE id = 'n4'"));
      assertEquals("merged before the change", one(a, "SELECT title FROM note WHERE id = 'n1'"));
      assertConverged(a, b);
    }
  }

  @Test
  void addColumn_toAnEmptyTrackedTable_thatNeverCapturedAWrite_works() throws Exception {
    try (Connection a = driver("empty")) {
      exec(a, NOTE);
      Replica.of(a).track("note");
      exec(a, "ALTER TABLE note ADD COLUMN tags TEXT");
      exec(a, "INSERT INTO note(id, tags) VALUES ('n1', 'first')");
      Replica.of(a).fold();
      assertEquals("first", one(a, "SELECT value FROM lattice_changes WHERE column_name = 'tags'"));
    }
  }

  @Test
  void renameColumn_keepsEveryCellsVersion_throughTheDriverAndThroughPlainSqlite() throws Exception {
    try (Connection a = replicaWithNotes("a"); Connection b = replicaWithNotes("b")) {
      exec(a, "UPDATE note SET body = 'edited before the rename' WHERE id = 'n1'");
      exec(a, "ALTER TABLE note RENAME COLUMN body TO text");
      exec(a, "UPDATE note SET text = 'edited after the rename' WHERE id = 'n2'");
    }
    try (Connection plain = plain("b")) {
      exec(plain, "ALTER TABLE note RENAME COLUMN body TO text");
    }
    try (Connection a = driver("a"); Connection b = driver("b")) {
      sync(a, b);
      assertEquals("edited before the rename", one(b, "SELECT text FROM note WHERE id = 'n1'"));
      assertEquals("edited after the rename", one(b, "SELECT text FROM note WHERE id = 'n2'"));
      assertConverged(a, b);
    }
  }

  @Test
  void dropColumn_throughTheDriver_forgetsTheColumnsVersions_andSyncs() throws Exception {
    try (Connection a = replicaWithNotes("a"); Connection b = replicaWithNotes("b")) {
      exec(a, "UPDATE note SET body = 'soon gone', title = 'kept' WHERE id = 'n1'");
      exec(a, "ALTER TABLE note DROP COLUMN body");
      exec(b, "ALTER TABLE note DROP COLUMN body");

      sync(a, b);

      assertEquals("kept", one(b, "SELECT title FROM note WHERE id = 'n1'"));
      assertEquals(List.of("id", "title"), columnsOf(b, "note"));
      assertEquals(0L, number(a, "SELECT count(*) FROM lattice_changes WHERE column_name = 'body'"));
      assertConverged(a, b);
    }
  }

  @Test
  void dropColumn_throughPlainSqlite_isRefusedBySqlite_namingTheCaptureTrigger_andChangesNothing() throws Exception {
    replicaWithNotes("a").close();
    try (Connection plain = plain("a")) {
      SQLException refused = assertThrows(SQLException.class, () -> exec(plain, "ALTER TABLE note DROP COLUMN body"));
      assertTrue(refused.getMessage().contains("lattice_"), refused.getMessage());
      assertEquals(List.of("id", "title", "body"), columnsOf(plain, "note"));
    }
  }

  @Test
  void rebuild_createCopyDropRename_inOneTransaction_isNotCapturedAsABurstOfWrites() throws Exception {
    try (Connection a = replicaWithNotes("a"); Connection b = replicaWithNotes("b")) {
      VersionVector before = Replica.of(a).versionVector();
      for (Connection c : List.of(a, b)) {
        c.setAutoCommit(false);
        exec(c, "CREATE TABLE note_new(id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL DEFAULT '', pinned INTEGER"
                + " NOT NULL DEFAULT 0)",
            "INSERT INTO note_new(id, title) SELECT id, coalesce(title, '') FROM note",
            "DROP TABLE note",
            "ALTER TABLE note_new RENAME TO note");
        c.commit();
        c.setAutoCommit(true);
      }
      SiteId site = Replica.of(a).siteId();
      assertEquals(before.get(site) + 3, Replica.of(a).versionVector().get(site), "the added column of each of the"
          + " three rows is logged once; copying rows is not a write");
      exec(a, "UPDATE note SET pinned = 1 WHERE id = 'n1'", "INSERT INTO note(id, title) VALUES ('n4', 'after')");

      sync(a, b);

      assertEquals(1L, number(b, "SELECT pinned FROM note WHERE id = 'n1'"));
      assertEquals("after", one(b, "SELECT title FROM note WHERE id = 'n4'"));
      assertConverged(a, b);
    }
  }

  @Test
  void rebuild_renameAwayFirst_asLiquibaseDoes_throughPlainSqlite_isFollowedAtTheNextOpen() throws Exception {
    syncedPair();
    try (Connection plain = plain("a")) {
      plain.setAutoCommit(false);
      exec(plain, "ALTER TABLE note RENAME TO note_temporary",
          "CREATE TABLE note(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT, stars INTEGER DEFAULT 0)",
          "INSERT INTO note(id, title, body) SELECT id, title, body FROM note_temporary",
          "DROP TABLE note_temporary");
      plain.commit();
    }
    try (Connection a = driver("a"); Connection b = driver("b")) {
      VersionVector before = Replica.of(b).versionVector();
      exec(b, "ALTER TABLE note ADD COLUMN stars INTEGER DEFAULT 0");
      assertEquals(List.of("note"), Replica.of(a).trackedTables());
      exec(a, "UPDATE note SET stars = 5 WHERE id = 'n3'");
      sync(a, b);
      assertEquals(5L, number(b, "SELECT stars FROM note WHERE id = 'n3'"));
      assertEquals(before.get(Replica.of(b).siteId()) + 3, Replica.of(b).versionVector().get(Replica.of(b).siteId()),
          "the added column of each of the three rows, nothing else");
      assertConverged(a, b);
    }
  }

  @Test
  void replicasOnDifferentSchemas_refuseToSync_namingTheDifference_andLoseNothing() throws Exception {
    try (Connection a = replicaWithNotes("a"); Connection b = replicaWithNotes("b")) {
      exec(a, "ALTER TABLE note ADD COLUMN tags TEXT", "UPDATE note SET tags = 'a' WHERE id = 'n1'");
      exec(b, "UPDATE note SET title = 'b' WHERE id = 'n2'");

      SQLException refused = assertThrows(SQLException.class, () -> sync(a, b));
      assertTrue(refused.getMessage().contains("tags") && refused.getMessage().contains("migrations"),
          refused.getMessage());

      exec(b, "ALTER TABLE note ADD COLUMN tags TEXT");
      sync(a, b);
      assertEquals("a", one(b, "SELECT tags FROM note WHERE id = 'n1'"));
      assertEquals("b", one(a, "SELECT title FROM note WHERE id = 'n2'"));
      assertConverged(a, b);
    }
  }

  @Test
  void changingTheKey_throughTheDriver_failsTheMigration_andLeavesTheTableAsItWas() throws Exception {
    try (Connection a = replicaWithNotes("a")) {
      a.setAutoCommit(false);
      exec(a, "CREATE TABLE note_new(id TEXT NOT NULL, title TEXT NOT NULL, body TEXT, PRIMARY KEY (id, title))",
          "INSERT INTO note_new SELECT id, coalesce(title, ''), body FROM note", "DROP TABLE note",
          "ALTER TABLE note_new RENAME TO note");
      SQLException refused = assertThrows(SQLException.class, a::commit);
      assertTrue(refused.getMessage().contains("primary key changed"), refused.getMessage());
      a.rollback();
      a.setAutoCommit(true);

      assertEquals(List.of("id", "title", "body"), columnsOf(a, "note"));
      exec(a, "UPDATE note SET body = 'still captured' WHERE id = 'n1'");
      assertEquals("still captured", one(a, "SELECT value FROM lattice_changes WHERE pk = 'n1' AND column_name ="
          + " 'body'"));
    }
  }

  @Test
  void aFailingAlter_leavesCaptureAsItWas() throws Exception {
    try (Connection a = replicaWithNotes("a")) {
      assertThrows(SQLException.class, () -> exec(a, "ALTER TABLE note DROP COLUMN no_such_column"));
      exec(a, "UPDATE note SET body = 'captured' WHERE id = 'n1'");
      Replica.of(a).fold();
      assertEquals("captured", one(a, "SELECT value FROM lattice_changes WHERE pk = 'n1' AND column_name = 'body'"));
    }
  }

  @Test
  void aDroppedTable_isSetAside_andResumesWhenATableOfThatNameReturns() throws Exception {
    try (Connection a = replicaWithNotes("a")) {
      exec(a, "DROP TABLE note");
      assertEquals(List.of(), Replica.of(a).trackedTables());
      exec(a, NOTE, "INSERT INTO note(id, title) VALUES ('n1', 'back')");
      assertEquals(List.of("note"), Replica.of(a).trackedTables());
      assertEquals("back", one(a, "SELECT value FROM lattice_changes WHERE pk = 'n1' AND column_name = 'title'"));
    }
  }

  // --- helpers

  /** Replicas a and b with the notes, synced, closed. */
  private void syncedPair() throws SQLException {
    try (Connection a = replicaWithNotes("a"); Connection b = replicaWithNotes("b")) {
      sync(a, b);
    }
  }

  /** A driver connection to {@code name}.db with table note tracked and three rows, identical on every replica. */
  private Connection replicaWithNotes(String name) throws SQLException {
    try (Connection plain = plain(name)) {
      exec(plain, NOTE, "INSERT INTO note VALUES ('n1', 'one', 'first'), ('n2', 'two', NULL), ('n3', NULL, 'x')");
    }
    Connection c = driver(name);
    Replica.of(c).track("note");
    return c;
  }

  private Connection driver(String name) throws SQLException {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve(name + ".db"));
  }

  private Connection plain(String name) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"));
  }

  private static void sync(Connection a, Connection b) throws SQLException {
    Replica.of(a).syncWith(Replica.of(b));
  }

  private static void assertConverged(Connection a, Connection b) throws SQLException {
    assertEquals(rows(a), rows(b));
    assertEquals(Replica.of(a).schema(), Replica.of(b).schema());
    assertEquals(Replica.of(a).versionVector(), Replica.of(b).versionVector());
    assertEquals(Replica.of(a).merkleRoot(), Replica.of(b).merkleRoot());
    assertFalse(rows(a).isEmpty());
  }

  private static List<List<Object>> rows(Connection c) throws SQLException {
    List<String> columns = columnsOf(c, "note").stream().sorted().toList();
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM note ORDER BY id")) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns.size(); i++) {
          row.add(r.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<String> columnsOf(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT name FROM pragma_table_info('"
        + table + "') ORDER BY cid")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }

  private static long number(Connection c, String sql) throws SQLException {
    return ((Number) one(c, sql)).longValue();
  }

  private static Object one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getObject(1) : null;
    }
  }
}
