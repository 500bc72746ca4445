package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture as an application sees it through {@code jdbc:lattice:}: SQL functions, warnings, folding, pools. */
class DriverCaptureTest {
  @TempDir Path dir;

  private Connection open(String params) throws SQLException {
    return DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("app.db") + params);
  }

  private static Object one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getObject(1) : null;
    }
  }

  @Test
  void latticeTrack_inSql_tracksAndReportsWarningsThroughGetWarnings() throws Exception {
    try (Connection c = open("")) {
      c.createStatement().execute("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)");
      c.createStatement().execute("INSERT INTO items(name) VALUES ('existing')");
      String report = (String) one(c, "SELECT lattice_track('items')");
      assertTrue(report.startsWith("items: tracked, 1 existing row(s) captured"), report);
      SQLWarning warning = c.getWarnings();
      assertNotNull(warning, "the INTEGER PRIMARY KEY risk reaches the application");
      assertTrue(warning.getMessage().contains("INTEGER PRIMARY KEY"), warning.getMessage());
      assertEquals(List.of("items"), Replica.of(c).trackedTables());
    }
  }

  @Test
  void latticeTrack_ofAnUntrackableTable_failsTheStatementWithTheFix() throws Exception {
    try (Connection c = open("")) {
      c.createStatement().execute("CREATE TABLE log(line TEXT)");
      SQLException e = assertThrows(SQLException.class, () -> one(c, "SELECT lattice_track('log')"));
      assertTrue(e.getMessage().contains("no PRIMARY KEY") && e.getMessage().contains("Fix:"), e.getMessage());
    }
  }

  @Test
  void siteIdAndFoldAndUntrack_workFromSql() throws Exception {
    try (Connection c = open("")) {
      c.createStatement().execute("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)");
      byte[] site = (byte[]) one(c, "SELECT lattice_site_id()");
      assertEquals(Replica.of(c).siteId(), SiteId.of(site));
      one(c, "SELECT lattice_track('notes')");
      c.createStatement().execute("INSERT INTO notes VALUES ('n', 'x')");
      assertEquals(1L, ((Number) one(c, "SELECT lattice_fold()")).longValue());
      assertEquals(2L, ((Number) one(c, "SELECT count(*) FROM lattice_changes")).longValue());
      assertEquals(HexFormat.of().formatHex(site),
          HexFormat.of().formatHex((byte[]) one(c, "SELECT site_id FROM lattice_version_vector")));
      assertEquals(1L, ((Number) one(c, "SELECT lattice_untrack('notes')")).longValue());
    }
  }

  @Test
  void aDriverConnection_foldsByItselfOnceTheThresholdIsReached() throws Exception {
    try (Connection c = open("?lattice.foldThreshold=10")) {
      c.createStatement().execute("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)");
      Replica.of(c).track("notes");
      c.setAutoCommit(false);
      try (var insert = c.prepareStatement("INSERT INTO notes VALUES (?, 'x')")) {
        for (int i = 0; i < 25; i++) {
          insert.setString(1, "n" + i);
          insert.executeUpdate();
        }
      }
      c.commit();
      c.setAutoCommit(true);
      assertEquals(0L, ((Number) one(c, "SELECT count(*) FROM lattice_log WHERE op <> 0")).longValue(),
          "25 pending rows passed the threshold of 10: folded in the committing transaction");
      assertEquals(25L, ((Number) one(c, "SELECT count(*) FROM lattice_rows")).longValue());
    }
  }

  @Test
  void manyThreadsWritingThroughAHikariPool_loseNoCapture() throws Exception {
    try (Connection c = open("")) {
      c.createStatement().execute("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT)");
      Replica.of(c).track("notes");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:lattice:sqlite:" + dir.resolve("app.db") + "?lattice.foldThreshold=50");
    config.setMaximumPoolSize(4);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(threads.submit(() -> {
          for (int i = 0; i < 40; i++) {
            try (Connection c = pool.getConnection(); var insert = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
              insert.setString(1, thread + "-" + i);
              insert.setString(2, "body");
              insert.executeUpdate();
              if (i % 3 == 0) {
                c.createStatement().execute("UPDATE notes SET body = 'edited' WHERE id = '" + thread + "-" + i + "'");
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      try (Connection c = pool.getConnection()) {
        Replica replica = Replica.of(c);
        long rows = 8 * 40;
        long updates = 8 * 14;
        assertEquals(rows + updates, replica.versionVector().get(replica.siteId()), "one seq per captured write");
        assertEquals(rows, ((Number) one(c, "SELECT count(*) FROM notes")).longValue());
        try (ChangeStream changes = replica.changesSince(VersionVector.empty())) {
          assertEquals(rows * 2, changes.next(10_000).size());
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void conflicts_canBeListedAndResolvedFromSql() throws Exception {
    try (TestDatabase a = TestDatabase.create(dir, "a.db", MergeTest.NOTES);
        TestDatabase b = TestDatabase.create(dir, "b.db", MergeTest.NOTES)) {
      a.replica().track("notes");
      b.replica().track("notes");
      a.exec("INSERT INTO notes VALUES ('n', 'original', NULL, 1)");
      a.replica().syncWith(b.replica());
      a.exec("UPDATE notes SET title = 'on a'");
      b.exec("UPDATE notes SET title = 'on b'");
      b.replica().syncWith(a.replica());
      Path holder = a.replica().conflicts().isEmpty() ? b.file() : a.file();
      try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + holder)) {
        long id = ((Number) one(c, "SELECT id FROM lattice_conflicts WHERE column_name = 'title'")).longValue();
        Object loser = one(c, "SELECT losing_value FROM lattice_conflicts");
        assertEquals(1L, ((Number) one(c, "SELECT lattice_resolve(" + id + ", 'take')")).longValue());
        assertEquals(loser, one(c, "SELECT title FROM notes"));
        assertEquals(0L, ((Number) one(c, "SELECT count(*) FROM lattice_conflicts")).longValue());
        assertThrows(SQLException.class, () -> one(c, "SELECT lattice_resolve(1, 'maybe')"));
      }
    }
  }
}
