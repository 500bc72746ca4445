package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's own behaviour, run through {@code jdbc:lattice:}: ported from its {@code PrepStmtTest} and
 * {@code ResultSetTest} (xerial/sqlite-jdbc), on a database file instead of {@code :memory:}.
 */
class SqliteJdbcBehaviourTest {
  private static final byte[] B1 = {1, 2, 7, 4, 2, 6, 2, 8, 5, 2, 3, 1, 5, 3, 6, 3, 3, 6, 2, 5};
  private static final byte[] B2 = "To be or not to be.".getBytes(StandardCharsets.UTF_8);
  private static final byte[] B3 = "Question!#$%".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private Connection connection;
  private Statement statement;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:lattice:sqlite:" + dir.resolve("app.db"));
    statement = connection.createStatement();
  }

  @AfterEach
  void close() throws SQLException {
    statement.close();
    connection.close();
  }

  @Test
  void storageClasses_roundTripThroughSetObjectAndGetObject() throws SQLException {
    statement.executeUpdate("CREATE TABLE v(i INTEGER, big INTEGER, r REAL, t TEXT, b BLOB, n)");
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setObject(1, 42);
      insert.setObject(2, Long.MAX_VALUE);
      insert.setObject(3, 2.5d);
      insert.setObject(4, "héllo \uD840\uDC40");
      insert.setObject(5, B1);
      insert.setObject(6, null);
      assertEquals(1, insert.executeUpdate());
    }
    try (ResultSet result = statement.executeQuery("SELECT i, big, r, t, b, n, typeof(n) FROM v")) {
      assertTrue(result.next());
      assertEquals(42, result.getObject(1));
      assertEquals(Long.MAX_VALUE, result.getObject(2));
      assertEquals(2.5d, result.getObject(3));
      assertEquals("héllo \uD840\uDC40", result.getObject(4));
      assertArrayEquals(B1, (byte[]) result.getObject(5));
      assertArrayEquals(B1, result.getBytes(5));
      assertNull(result.getObject(6));
      assertTrue(result.wasNull());
      assertEquals("null", result.getString(7));
      assertEquals(Long.valueOf(42), result.getObject(1, Long.class));
      assertFalse(result.next());
    }
  }

  @Test
  void getObject_typesFollowSqliteStorageClasses() throws SQLException {
    statement.executeUpdate("CREATE TABLE testobj (c1 integer, c2 float, c3, c4 varchar, c5 bit, c6, c7)");
    try (PreparedStatement prep = connection.prepareStatement("INSERT INTO testobj VALUES (?,?,?,?,?,?,?)")) {
      prep.setInt(1, Integer.MAX_VALUE);
      prep.setFloat(2, Float.MAX_VALUE);
      prep.setDouble(3, Double.MAX_VALUE);
      prep.setLong(4, Long.MAX_VALUE);
      prep.setBoolean(5, false);
      prep.setByte(6, (byte) 7);
      prep.setBytes(7, B1);
      prep.executeUpdate();
    }
    try (ResultSet rs = statement.executeQuery("SELECT c1, c2, c3, c4, c5, c6, c7 FROM testobj")) {
      assertTrue(rs.next());
      assertEquals(Integer.MAX_VALUE, rs.getInt(1));
      assertEquals(Float.MAX_VALUE, rs.getFloat(2));
      assertEquals(Double.MAX_VALUE, rs.getDouble(3));
      assertEquals(Long.MAX_VALUE, rs.getLong(4));
      assertFalse(rs.getBoolean(5));
      assertEquals((byte) 7, rs.getByte(6));
      assertArrayEquals(B1, rs.getBytes(7));
      assertInstanceOf(Integer.class, rs.getObject(1));
      assertInstanceOf(Double.class, rs.getObject(2));
      assertInstanceOf(Double.class, rs.getObject(3));
      assertInstanceOf(String.class, rs.getObject(4)); // varchar affinity: the long was stored as text
      assertInstanceOf(Integer.class, rs.getObject(5));
      assertInstanceOf(Integer.class, rs.getObject(6));
      assertInstanceOf(byte[].class, rs.getObject(7));
    }
  }

  @Test
  void getDouble_returnsExactlyTheBitsThatWereStored() throws SQLException {
    double[] values = {0.1 + 0.2, Math.PI, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 123456789.987654321};
    statement.executeUpdate("CREATE TABLE d(x)"); // no REAL affinity: see the next test for what that changes
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO d VALUES (?)")) {
      for (double value : values) {
        insert.setDouble(1, value);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (ResultSet result = statement.executeQuery("SELECT x FROM d ORDER BY rowid")) {
      for (double value : values) {
        assertTrue(result.next());
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(result.getDouble(1)),
            "for " + value);
      }
    }
  }

  /** SQLite, not the wrapper: a REAL column stores integral values as integers, and -0.0 comes back as 0.0. */
  @Test
  void realColumn_turnsNegativeZeroIntoZero_asSqliteDoes() throws SQLException {
    statement.executeUpdate("CREATE TABLE d(x REAL, y)");
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO d VALUES (?, ?)")) {
      insert.setDouble(1, -0.0);
      insert.setDouble(2, -0.0);
      insert.executeUpdate();
    }
    try (ResultSet result = statement.executeQuery("SELECT x, y FROM d")) {
      assertTrue(result.next());
      assertEquals(0L, Double.doubleToRawLongBits(result.getDouble(1)));
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(result.getDouble(2)));
    }
  }

  @Test
  void set_integersStringsNullsAndBytes_readBackAsWritten() throws SQLException {
    try (PreparedStatement prep = connection.prepareStatement("SELECT ?, ?, ?")) {
      prep.setInt(1, Integer.MIN_VALUE);
      prep.setInt(2, Integer.MAX_VALUE);
      prep.setInt(3, 0);
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(Integer.MIN_VALUE, rs.getInt(1));
        assertEquals(Integer.MAX_VALUE, rs.getInt(2));
        assertEquals(0, rs.getInt(3));
      }
      prep.setString(1, "Winston");
      prep.setString(2, null);
      prep.setLong(3, Long.MAX_VALUE);
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("Winston", rs.getString(1));
        assertNull(rs.getString(2));
        assertTrue(rs.wasNull());
        assertEquals(Long.MAX_VALUE, rs.getLong(3));
      }
      prep.setBytes(1, B1);
      prep.setBytes(2, B2);
      prep.setBytes(3, B3);
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        assertArrayEquals(B1, rs.getBytes(1));
        assertArrayEquals(B2, rs.getBytes(2));
        assertArrayEquals(B3, rs.getBytes(3));
        assertFalse(rs.next());
      }
      prep.setNull(1, Types.INTEGER);
      prep.setDate(2, null);
      prep.setTimestamp(3, null);
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        assertNull(rs.getObject(1));
        assertNull(rs.getDate(2));
        assertNull(rs.getTimestamp(3));
      }
    }
  }

  @Test
  void columnsAreReachableByLabel() throws SQLException {
    try (PreparedStatement prep = connection.prepareStatement("SELECT ? AS col1, ? AS col2, ? AS bingo")) {
      prep.setNull(1, 0);
      prep.setFloat(2, Float.MIN_VALUE);
      prep.setShort(3, Short.MIN_VALUE);
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        assertNull(rs.getString("col1"));
        assertTrue(rs.wasNull());
        assertEquals(Float.MIN_VALUE, rs.getFloat("col2"));
        assertEquals(Short.MIN_VALUE, rs.getShort("bingo"));
        assertEquals(3, rs.findColumn("bingo"));
        assertEquals("col2", rs.getMetaData().getColumnLabel(2));
      }
    }
  }

  @Test
  void utf16SurrogatePairs_surviveBothWays() throws SQLException {
    String[] texts = {"\uD840\uDC40", "\uD840\uDC47 ", " \uD840\uDC43", "Hello World, \uD840\uDC40 \uD880\uDC99"};
    try (PreparedStatement prep = connection.prepareStatement("SELECT ?, ?, ?, ?")) {
      for (int i = 0; i < texts.length; i++) {
        prep.setString(i + 1, texts[i]);
      }
      try (ResultSet rs = prep.executeQuery()) {
        assertTrue(rs.next());
        for (int i = 0; i < texts.length; i++) {
          assertEquals(texts[i], rs.getString(i + 1));
        }
      }
    }
  }

  @Test
  void thousandInsertsInOneTransaction_areAllThere() throws SQLException {
    statement.executeUpdate("CREATE TABLE in1000 (a)");
    connection.setAutoCommit(false);
    try (PreparedStatement prep = connection.prepareStatement("INSERT INTO in1000 VALUES (?)")) {
      for (int i = 0; i < 1000; i++) {
        prep.setInt(1, i);
        prep.executeUpdate();
      }
    }
    connection.commit();
    try (ResultSet rs = statement.executeQuery("SELECT count(a), sum(a) FROM in1000")) {
      assertTrue(rs.next());
      assertEquals(1000, rs.getInt(1));
      assertEquals(499_500, rs.getInt(2));
    }
  }

  @Test
  void executeUpdate_countsRows_andPreparedUpdatesHaveNoResultSet() throws SQLException {
    assertEquals(0, connection.prepareStatement("CREATE TABLE s1 (c1)").executeUpdate());
    try (PreparedStatement prep = connection.prepareStatement("INSERT INTO s1 VALUES (?)")) {
      for (int value : new int[] {3, 5, 7}) {
        prep.setInt(1, value);
        assertEquals(1, prep.executeUpdate());
        assertNull(prep.getResultSet());
      }
    }
    assertEquals(3, statement.executeUpdate("UPDATE s1 SET c1 = c1 + 1"));
    try (ResultSet rs = statement.executeQuery("SELECT sum(c1) FROM s1")) {
      assertTrue(rs.next());
      assertEquals(18, rs.getInt(1));
    }
  }

  @Test
  void emptyResult_hasNoRows() throws SQLException {
    try (PreparedStatement prep = connection.prepareStatement("SELECT NULL LIMIT 0");
        ResultSet rs = prep.executeQuery()) {
      assertFalse(rs.next());
    }
  }
}
