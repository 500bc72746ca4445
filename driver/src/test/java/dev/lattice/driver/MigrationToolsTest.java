package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.driver.jdbc.LatticeDataSource;
import dev.lattice.driver.jdbc.LatticeDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import liquibase.command.CommandScope;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration tools applications already use run against {@code jdbc:lattice:sqlite:} databases, with the real
 * Flyway and Liquibase artifacts, and capture follows every change they make: two replicas that run the same
 * migrations keep syncing, and what a migration wrote reaches the other replica.
 */
class MigrationToolsTest {
  @TempDir Path dir;

  @Test
  void flyway_byUrl_andByDataSource_migratesTrackedTables_andTheReplicasConverge() throws Exception {
    flywayByUrl("a").target("1").load().migrate();
    flywayByDataSource("b").target("1").load().migrate();
    try (Connection a = driver("a"); Connection b = driver("b")) {
      Replica.of(a).track("note");
      Replica.of(b).track("note");
      Replica.of(a).syncWith(Replica.of(b));
      exec(a, "UPDATE note SET title = 'edited on a before migrating' WHERE id = 'n1'");
    }

    long before = ownSeq("a");
    assertEquals(3, flywayByUrl("a").load().migrate().migrationsExecuted);
    assertEquals(before + 3 + 1, ownSeq("a"), "V2's new column logged for each of the three rows, and its UPDATE of"
        + " one row; the rebuild in V4 copied rows, and copying is not writing");
    assertEquals(3, flywayByDataSource("b").load().migrate().migrationsExecuted);

    try (Connection a = driver("a"); Connection b = driver("b")) {
      exec(b, "UPDATE note SET tags = 'written on b after migrating' WHERE id = 'n2'");
      Replica.of(a).syncWith(Replica.of(b));

      assertEquals(List.of(List.of("n1", "edited on a before migrating", ""),
          List.of("n2", "two", "written on b after migrating"), List.of("n3", "", "inbox")), notes(b));
      assertEquals(notes(a), notes(b));
      assertEquals(Replica.of(a).schema(), Replica.of(b).schema());
      assertEquals(Replica.of(a).merkleRoot(), Replica.of(b).merkleRoot());
    }
  }

  @Test
  void liquibase_withTheLatticeUrlAndDriver_migratesTrackedTables_andTheReplicasConverge() throws Exception {
    for (String name : List.of("a", "b")) {
      try (Connection c = driver(name)) {
        exec(c, "CREATE TABLE note(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT)",
            "INSERT INTO note VALUES ('n1', 'one', 'first'), ('n2', 'two', NULL), ('n3', NULL, 'x')");
        Replica.of(c).track("note");
      }
    }
    try (Connection a = driver("a"); Connection b = driver("b")) {
      Replica.of(a).syncWith(Replica.of(b));
      exec(a, "UPDATE note SET title = 'edited on a before migrating' WHERE id = 'n1'");
    }

    long before = ownSeq("a");
    liquibaseUpdate("a");
    liquibaseUpdate("b");
    // Liquibase adds a NOT NULL column to a SQLite table by rebuilding it (rename away, create, copy, drop), so the
    // changeset's UPDATE runs on the new table before capture resumes at commit: what a rebuild's own statements
    // write is the same on every replica that runs them, and is not captured.
    assertEquals(before + 3, ownSeq("a"), "the new column logged once for each of the three rows; no burst of"
        + " inserts and deletes from the rebuilds");

    try (Connection a = driver("a"); Connection b = driver("b")) {
      exec(b, "UPDATE note SET heading = 'written on b after migrating' WHERE id = 'n2'");
      Replica.of(a).syncWith(Replica.of(b));

      assertEquals(notes(a), notes(b));
      assertEquals("edited on a before migrating", one(b, "SELECT heading FROM note WHERE id = 'n1'"));
      assertEquals("written on b after migrating", one(a, "SELECT heading FROM note WHERE id = 'n2'"));
      assertEquals("inbox", one(a, "SELECT tags FROM note WHERE id = 'n3'"));
      assertEquals(Replica.of(a).schema(), Replica.of(b).schema());
      assertEquals(Replica.of(a).merkleRoot(), Replica.of(b).merkleRoot());
    }
  }

  /** This replica's own entry in its version vector: how many local writes it has captured. */
  private long ownSeq(String name) throws SQLException {
    try (Connection c = driver(name)) {
      Replica replica = Replica.of(c);
      return replica.versionVector().get(replica.siteId());
    }
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flywayByUrl(String name) {
    return Flyway.configure().dataSource(url(name), null, null).locations("classpath:db/flyway");
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flywayByDataSource(String name) {
    LatticeDataSource dataSource = new LatticeDataSource();
    dataSource.setUrl(url(name));
    return Flyway.configure().dataSource(dataSource).locations("classpath:db/flyway");
  }

  private void liquibaseUpdate(String name) throws Exception {
    new CommandScope("update")
        .addArgumentValue("url", url(name))
        .addArgumentValue("driver", LatticeDriver.class.getName())
        .addArgumentValue("changelogFile", "db/liquibase/changelog.xml")
        .execute();
  }

  private String url(String name) {
    return "jdbc:lattice:sqlite:" + dir.resolve(name + ".db");
  }

  private Connection driver(String name) throws SQLException {
    return DriverManager.getConnection(url(name));
  }

  private static List<List<Object>> notes(Connection c) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM note ORDER BY id")) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.add(r.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Object one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getObject(1) : null;
    }
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }
}
