package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;

/** The JDBC wrapping conventions, through the real driver and a real database file. */
class LatticeConnectionTest {
  @TempDir Path dir;
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("app.db"));
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void statementGetConnection_returnsTheWrapper() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      assertSame(connection, statement.getConnection());
    }
    try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      assertSame(connection, statement.getConnection());
    }
  }

  @Test
  void preparedStatementGetConnection_returnsTheWrapper() throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
      assertSame(connection, statement.getConnection());
    }
    try (PreparedStatement statement =
        connection.prepareStatement("INSERT INTO notes(body) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      assertSame(connection, statement.getConnection());
    }
  }

  @Test
  void metaDataGetConnection_returnsTheWrapper() throws SQLException {
    assertSame(connection, connection.getMetaData().getConnection());
  }

  @Test
  void resultSetGetStatement_returnsTheWrapperStatement() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet result = statement.executeQuery("SELECT 1")) {
        assertSame(statement, result.getStatement());
      }
      assertTrue(statement.execute("SELECT 2"));
      try (ResultSet result = statement.getResultSet()) {
        assertSame(statement, result.getStatement());
        assertTrue(result.next());
        assertEquals(2, result.getInt(1));
      }
    }
    try (PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
      statement.setInt(1, 3);
      try (ResultSet result = statement.executeQuery()) {
        assertSame(statement, result.getStatement());
        assertSame(connection, result.getStatement().getConnection());
      }
    }
  }

  @Test
  void metaDataResultSets_areWrapped_andHaveNoStatement() throws SQLException {
    DatabaseMetaData metaData = connection.getMetaData();
    try (ResultSet tables = metaData.getTables(null, null, "notes", null)) {
      assertInstanceOf(LatticeResultSet.class, tables);
      assertNull(tables.getStatement());
      assertTrue(tables.next());
      assertEquals("notes", tables.getString("TABLE_NAME"));
    }
    try (ResultSet columns = metaData.getColumns(null, null, "notes", "%")) {
      assertInstanceOf(LatticeResultSet.class, columns);
      assertTrue(columns.next());
      assertEquals("id", columns.getString("COLUMN_NAME"));
    }
    try (ResultSet keys = metaData.getPrimaryKeys(null, null, "notes")) {
      assertInstanceOf(LatticeResultSet.class, keys);
      assertNull(keys.getStatement());
    }
  }

  @Test
  void databaseProductName_isStillSQLite_andTheUrlIsTheOneTheApplicationOpened() throws SQLException {
    DatabaseMetaData metaData = connection.getMetaData();
    assertEquals("SQLite", metaData.getDatabaseProductName());
    assertEquals("jdbc:lattice:sqlite:" + dir.resolve("app.db"), metaData.getURL());
  }

  @Test
  void unwrap_reachesTheSqliteConnection() throws SQLException {
    assertTrue(connection.isWrapperFor(SQLiteConnection.class));
    SQLiteConnection raw = connection.unwrap(SQLiteConnection.class);
    assertFalse(LatticeConnection.class.isInstance(raw));
    assertEquals(10_000, raw.getBusyTimeout());
  }

  @Test
  void unwrap_ofAJdbcInterface_returnsTheWrapperItself() throws SQLException {
    assertSame(connection, connection.unwrap(Connection.class));
    try (Statement statement = connection.createStatement()) {
      assertSame(statement, statement.unwrap(Statement.class));
      assertTrue(statement.isWrapperFor(CoreStatement.class));
      assertFalse(LatticeStatement.class.isInstance(statement.unwrap(CoreStatement.class)));
    }
  }

  @Test
  void unwrap_ofAnUnrelatedInterface_throwsSqlException() throws SQLException {
    assertFalse(connection.isWrapperFor(DataSource.class));
    SQLException e = assertThrows(SQLException.class, () -> connection.unwrap(DataSource.class));
    assertTrue(e.getMessage().contains("javax.sql.DataSource"), e.getMessage());
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1")) {
      assertThrows(SQLException.class, () -> statement.unwrap(Runnable.class));
      assertThrows(SQLException.class, () -> result.unwrap(Runnable.class));
      assertThrows(SQLException.class, () -> connection.getMetaData().unwrap(Runnable.class));
    }
  }

  @Test
  void close_closesTheSqliteConnection() throws SQLException {
    SQLiteConnection raw = connection.unwrap(SQLiteConnection.class);
    connection.close();
    assertTrue(connection.isClosed());
    assertTrue(raw.isClosed());
    connection.close(); // a second close is harmless
  }

  @Test
  void closedConnection_throwsAsSqliteJdbcDoes() throws SQLException {
    connection.close();
    for (ThrowingCall call : new ThrowingCall[] {
        connection::createStatement, () -> connection.prepareStatement("SELECT 1"), connection::commit,
        connection::getWarnings, connection::getMetaData, () -> connection.setAutoCommit(false),
        () -> connection.prepareCall("CALL x()")}) {
      SQLException e = assertThrows(SQLException.class, call::run);
      assertEquals("database connection closed", e.getMessage());
      assertNull(e.getSQLState());
    }
    assertFalse(connection.isValid(1));
  }

  private interface ThrowingCall {
    void run() throws SQLException;
  }

  @Test
  void prepareCall_throwsFeatureNotSupported_becauseSqliteHasNoStoredProcedures() {
    SQLFeatureNotSupportedException e =
        assertThrows(SQLFeatureNotSupportedException.class, () -> connection.prepareCall("CALL archive()"));
    assertTrue(e.getMessage().contains("stored procedures"), e.getMessage());
    assertThrows(SQLFeatureNotSupportedException.class,
        () -> connection.prepareCall("CALL archive()", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY));
  }

  @Test
  void preparedStatementBatch_insertsEveryRow() throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes(body) VALUES (?)")) {
      for (int i = 0; i < 100; i++) {
        insert.setString(1, "note " + i);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      assertEquals(100, counts.length);
      assertTrue(Arrays.stream(counts).allMatch(count -> count == 1));
    }
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*), min(body), max(id) FROM notes")) {
      assertTrue(result.next());
      assertEquals(100, result.getInt(1));
      assertEquals("note 0", result.getString(2));
      assertEquals(100, result.getInt(3));
    }
  }

  @Test
  void generatedKeys_fromStatement_areTheNewRowid_andLeadBackToTheStatement() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO notes(body) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
      statement.executeUpdate("INSERT INTO notes(body) VALUES ('b')", Statement.RETURN_GENERATED_KEYS);
      try (ResultSet keys = statement.getGeneratedKeys()) {
        assertSame(statement, keys.getStatement());
        assertTrue(keys.next());
        assertEquals(2, keys.getLong(1));
        assertFalse(keys.next());
      }
    }
  }

  @Test
  void generatedKeys_fromPreparedStatement_followEachInsert() throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO notes(body) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      for (long expected = 1; expected <= 3; expected++) {
        insert.setString(1, "n" + expected);
        assertEquals(1, insert.executeUpdate());
        try (ResultSet keys = insert.getGeneratedKeys()) {
          assertSame(insert, keys.getStatement());
          assertTrue(keys.next());
          assertEquals(expected, keys.getLong(1));
        }
      }
    }
  }

  @Test
  void transaction_commitKeepsWrites_rollbackDiscardsThem() throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO notes(body) VALUES ('kept')");
      connection.commit();
      statement.executeUpdate("INSERT INTO notes(body) VALUES ('dropped')");
      connection.rollback();
      connection.setAutoCommit(true);
      try (ResultSet result = statement.executeQuery("SELECT group_concat(body) FROM notes")) {
        assertTrue(result.next());
        assertEquals("kept", result.getString(1));
      }
    }
  }

  @Test
  void toString_namesTheWrappedConnection() throws SQLException {
    assertTrue(connection.toString().startsWith("LatticeConnection[jdbc:lattice:sqlite:"), connection.toString());
    try (PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
      assertTrue(statement.toString().startsWith("LatticePreparedStatement["), statement.toString());
    }
  }
}
