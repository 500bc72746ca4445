package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/** When the wrapper calls into the capture engine, observed through a stand-in engine on a real database file. */
class LatticeConnectionHooksTest {
  @TempDir Path dir;
  private final RecordingHooks hooks = new RecordingHooks();
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = LatticeDriver.open("jdbc:lattice:sqlite:" + dir.resolve("app.db"), null, (raw, options) -> hooks);
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
    }
    hooks.autoCommitStatements = 0;
    hooks.schemaStatements = 0;
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void statementsThatMayChangeTheSchema_runThroughTheEngine_whicheverWayTheyAreExecuted() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE t ADD COLUMN w");
      statement.executeUpdate("  -- a migration\n/* step 2 */ create index t_v on t(v)");
      statement.execute("INSERT INTO t(v) VALUES ('ALTER TABLE t')");
      statement.addBatch("INSERT INTO t(v) VALUES (1)");
      statement.addBatch("DROP INDEX t_v");
      statement.executeBatch();
      statement.addBatch("INSERT INTO t(v) VALUES (2)");
      statement.executeBatch();
    }
    try (PreparedStatement alter = connection.prepareStatement("alter table t rename column w to x");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
      alter.execute();
      insert.setInt(1, 3);
      insert.executeUpdate();
    }
    assertEquals(4, hooks.schemaStatements, "the ALTER, the CREATE INDEX, the batch with a DROP, the prepared ALTER");
    assertEquals(2, hooks.alterStatements);

    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT count(*) FROM t").close();
      assertEquals(0, hooks.changesViewRequests, "the changes view is made only for SQL that reads it");
      assertThrows(SQLException.class, () -> statement.executeQuery("select * from LATTICE_CHANGES"));
      assertEquals(1, hooks.changesViewRequests);
    }

    connection.setAutoCommit(false);
    connection.rollback();
    connection.setAutoCommit(true);
    assertEquals(1, hooks.rollbacks, "a rollback forgets what the transaction's schema statements left to settle");
  }

  @Test
  void everyWritingExecution_inAutoCommitMode_isReportedOnce_andQueriesAreNot() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO t(v) VALUES (1)");
      statement.executeUpdate("INSERT INTO t(v) VALUES (2)");
      statement.executeUpdate("INSERT INTO t(v) VALUES (3)", Statement.RETURN_GENERATED_KEYS);
      statement.executeLargeUpdate("INSERT INTO t(v) VALUES (4)");
      statement.executeQuery("SELECT 1").close();
      statement.execute("SELECT 1");
      statement.addBatch("INSERT INTO t(v) VALUES (5)");
      statement.addBatch("INSERT INTO t(v) VALUES (6)");
      statement.executeBatch();
      statement.addBatch("INSERT INTO t(v) VALUES (7)");
      statement.executeLargeBatch();
    }
    assertEquals(6, hooks.autoCommitStatements, "queries leave a result set open: nothing may fold under it");
  }

  @Test
  void everyWritingPreparedExecution_inAutoCommitMode_isReportedOnce_andQueriesAreNot() throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t(v) VALUES (?)");
        PreparedStatement select = connection.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      insert.setInt(1, 1);
      insert.execute();
      insert.executeUpdate();
      insert.executeLargeUpdate();
      insert.addBatch();
      insert.addBatch();
      insert.executeBatch();
      select.setInt(1, 1);
      select.executeQuery().close();
    }
    assertEquals(4, hooks.autoCommitStatements, "queries leave a result set open: nothing may fold under it");
  }

  @Test
  void statementsInsideATransaction_areNotReported_butTheCommitIs() throws SQLException {
    connection.setAutoCommit(false);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
      insert.setInt(1, 1);
      insert.executeUpdate();
      insert.executeUpdate();
    }
    assertEquals(0, hooks.autoCommitStatements);
    assertEquals(0, hooks.commits);
    connection.commit();
    assertEquals(1, hooks.commits);
  }

  @Test
  void rollback_isNotACommit() throws SQLException {
    connection.setAutoCommit(false);
    connection.createStatement().executeUpdate("INSERT INTO t(v) VALUES (1)");
    connection.rollback();
    assertEquals(0, hooks.commits);
  }

  @Test
  void turningAutoCommitOff_isReportedAsATransactionBeginning_once() throws SQLException {
    connection.setAutoCommit(false);
    connection.setAutoCommit(false); // already off: nothing happens
    assertEquals(1, hooks.begins);
    assertEquals(0, hooks.commits);
  }

  @Test
  void turningAutoCommitBackOn_commits_andIsReportedAsACommit() throws SQLException {
    connection.setAutoCommit(true); // already on: nothing happens
    assertEquals(0, hooks.commits);
    connection.setAutoCommit(false);
    connection.createStatement().executeUpdate("INSERT INTO t(v) VALUES (1)");
    connection.setAutoCommit(true);
    assertEquals(1, hooks.commits);
    try (ResultSet result = connection.createStatement().executeQuery("SELECT count(*) FROM t")) {
      assertTrue(result.next());
      assertEquals(1, result.getInt(1));
    }
  }

  @Test
  void failedStatement_isNotReported() {
    assertThrows(SQLException.class, () -> connection.createStatement().executeUpdate("INSERT INTO nope VALUES (1)"));
    assertEquals(0, hooks.autoCommitStatements);
  }

  @Test
  void close_closesTheEngine_thenTheSqliteConnection() throws SQLException {
    SQLiteConnection raw = connection.unwrap(SQLiteConnection.class);
    connection.close();
    connection.close();
    assertEquals(1, hooks.closes);
    assertTrue(raw.isClosed());
  }

  @Test
  void abort_marksTheConnectionClosedAtOnce_andReleasesItOnTheExecutor() throws SQLException {
    List<Runnable> queued = new ArrayList<>();
    SQLiteConnection raw = connection.unwrap(SQLiteConnection.class);
    connection.abort(queued::add);
    assertTrue(connection.isClosed());
    assertEquals(0, hooks.closes);
    queued.forEach(Runnable::run);
    assertEquals(1, hooks.closes);
    assertTrue(raw.isClosed());
  }

  @Test
  void getWarnings_chainsTheEnginesWarnings_andKeepsThemUntilCleared() throws SQLException {
    assertNull(connection.getWarnings());
    hooks.raise("table t uses AUTOINCREMENT keys");
    SQLWarning first = connection.getWarnings();
    assertEquals("table t uses AUTOINCREMENT keys", first.getMessage());
    hooks.raise("second");
    SQLWarning again = connection.getWarnings();
    assertEquals(first, again);
    assertEquals("second", again.getNextWarning().getMessage());
    assertNull(again.getNextWarning().getNextWarning());
    hooks.raise("pending when cleared");
    connection.clearWarnings();
    assertNull(connection.getWarnings());
  }
}
