package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A driver connection keeps the statements the application closed and hands them out again for the same SQL, so that
 * SQLite does not compile a tracked table's capture triggers again in every transaction. What the application sees
 * must be what a freshly prepared sqlite-jdbc statement shows: each test runs on both URLs.
 */
class PreparedStatementReuseTest {
  @TempDir Path dir;

  private Connection open(String prefix) throws SQLException {
    Connection c = DriverManager.getConnection(prefix + dir.resolve("app.db") + "?journal_mode=WAL");
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS t(id TEXT PRIMARY KEY NOT NULL, v INTEGER)");
    }
    return c;
  }

  private static Object one(PreparedStatement p) throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      return r.next() ? r.getObject(1) : "no row";
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void aStatementPreparedAgain_hasNoParametersBoundAndNoSettingChanged(String prefix) throws SQLException {
    try (Connection c = open(prefix)) {
      try (PreparedStatement p = c.prepareStatement("SELECT ?")) {
        p.setInt(1, 5);
        assertEquals(5, one(p));
      }
      try (PreparedStatement p = c.prepareStatement("SELECT ?")) {
        assertNull(one(p), "an unbound parameter is NULL");
        p.setMaxRows(1);
        p.setQueryTimeout(3);
      }
      try (PreparedStatement p = c.prepareStatement("SELECT ?")) {
        assertEquals(0, p.getMaxRows());
        assertEquals(0, p.getQueryTimeout());
      }
    }
  }

  @Test
  void aClosedStatementAndItsResultSet_behaveAsClosedSqliteJdbcOnes_evenOnceTheStatementIsInUseAgain()
      throws SQLException {
    String plain;
    try (Connection c = open("jdbc:sqlite:")) {
      plain = useAfterClose(c);
    }
    try (Connection c = open("jdbc:lattice:sqlite:")) {
      assertEquals(plain, useAfterClose(c));
    }
  }

  /** What a closed statement and its result set answer, while a statement of the same SQL is in use. */
  private static String useAfterClose(Connection c) throws SQLException {
    PreparedStatement p = c.prepareStatement("SELECT 1 UNION ALL SELECT 2");
    ResultSet r = p.executeQuery();
    p.close();
    try (PreparedStatement again = c.prepareStatement("SELECT 1 UNION ALL SELECT 2")) {
      ResultSet live = again.executeQuery();
      assertTrue(live.next());
      return p.isClosed() + " " + r.isClosed() + " | " + outcome(p::executeQuery) + " | " + outcome(r::next)
          + " | " + outcome(() -> r.getInt(1)) + " | " + outcome(() -> { p.setInt(1, 1); return "nothing"; }) + " | live " + live.getInt(1);
    }
  }

  private interface Call {
    Object run() throws SQLException;
  }

  private static String outcome(Call call) {
    try {
      Object result = call.run();
      return "returned " + (result instanceof ResultSet ? "a result set" : result);
    } catch (SQLException e) {
      return "threw " + e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void closingAStatementWithRowsLeft_endsItsRead(String prefix) throws SQLException {
    try (Connection c = open(prefix); Connection other = open("jdbc:sqlite:")) {
      PreparedStatement p = c.prepareStatement("SELECT count(*) FROM t UNION ALL SELECT 1");
      ResultSet r = p.executeQuery();
      assertTrue(r.next()); // a row left unread: SQLite's statement is not done, and its read is open
      p.close();
      try (Statement s = other.createStatement()) {
        s.execute("INSERT INTO t VALUES ('new', 1)");
      }
      try (PreparedStatement again = c.prepareStatement("SELECT count(*) FROM t UNION ALL SELECT 1")) {
        assertEquals(1, one(again), "reads see the other connection's commit");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:sqlite:", "jdbc:lattice:sqlite:"})
  void aStatementOnATableThisConnectionDropped_failsWhenPrepared(String prefix) throws SQLException {
    try (Connection c = open(prefix)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE gone(x)");
      }
      c.prepareStatement("SELECT x FROM gone").close();
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE gone");
      }
      SQLException e = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT x FROM gone"));
      assertTrue(e.getMessage().contains("no such table"), e.getMessage());
    }
  }

  @Test
  void theDriverHandsOutTheSameSqliteStatement_forTheSameSql_onceClosed() throws SQLException {
    try (Connection c = open("jdbc:lattice:sqlite:")) {
      PreparedStatement first = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
      JDBC4PreparedStatement raw = first.unwrap(JDBC4PreparedStatement.class);
      PreparedStatement open = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
      assertNotSame(raw, open.unwrap(JDBC4PreparedStatement.class), "one in use is never handed out twice");
      first.close();
      try (PreparedStatement again = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
        assertSame(raw, again.unwrap(JDBC4PreparedStatement.class));
      }
      PreparedStatement configured = c.prepareStatement("SELECT 1");
      JDBC4PreparedStatement configuredRaw = configured.unwrap(JDBC4PreparedStatement.class);
      configured.setFetchSize(10);
      configured.close();
      assertTrue(configuredRaw.isClosed(), "a statement whose settings changed is closed, not kept");
      open.close();
    }
  }
}
