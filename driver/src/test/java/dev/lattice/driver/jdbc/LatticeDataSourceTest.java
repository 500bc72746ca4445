package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

class LatticeDataSourceTest {
  @TempDir Path dir;

  private String url() {
    return "jdbc:lattice:sqlite:" + dir.resolve("app.db");
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA " + name)) {
      assertTrue(result.next());
      return result.getString(1);
    }
  }

  @Test
  void getConnection_opensTheUrl_withTheDriversDefaults() throws SQLException {
    LatticeDataSource dataSource = new LatticeDataSource();
    dataSource.setUrl(url());
    try (Connection connection = dataSource.getConnection("ignored", "ignored")) {
      assertInstanceOf(LatticeConnection.class, connection);
      assertEquals("wal", pragma(connection, "journal_mode"));
      assertEquals("10000", pragma(connection, "busy_timeout"));
    }
  }

  @Test
  void setters_overrideTheUrl() throws SQLException {
    LatticeDataSource dataSource = new LatticeDataSource();
    dataSource.setUrl(url() + "?journal_mode=TRUNCATE&busy_timeout=1");
    dataSource.setJournalMode("delete");
    dataSource.setBusyTimeout(2500);
    dataSource.setFoldThreshold(0);
    try (Connection connection = dataSource.getConnection()) {
      assertEquals("delete", pragma(connection, "journal_mode"));
      assertEquals("2500", pragma(connection, "busy_timeout"));
    }
  }

  @Test
  void setters_rejectBadValues_atOnce_namingThem() {
    LatticeDataSource dataSource = new LatticeDataSource();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dataSource.setUrl("jdbc:sqlite:app.db"));
    assertTrue(e.getMessage().contains("jdbc:lattice:sqlite:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dataSource.setFoldThreshold(-5));
    assertTrue(e.getMessage().contains("'-5' for lattice.foldThreshold"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dataSource.setJournalMode("FAST"));
    assertTrue(e.getMessage().contains("WAL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> dataSource.setBusyTimeout(-1));
  }

  @Test
  void getConnection_withoutUrl_saysHowToSetIt() {
    SQLException e = assertThrows(SQLException.class, () -> new LatticeDataSource().getConnection());
    assertTrue(e.getMessage().contains("setUrl"), e.getMessage());
  }

  @Test
  void wrapperAndLoggingMethods_behaveLikeAPlainDataSource() throws SQLException {
    LatticeDataSource dataSource = new LatticeDataSource();
    assertSame(dataSource, dataSource.unwrap(DataSource.class));
    assertTrue(dataSource.isWrapperFor(LatticeDataSource.class));
    assertFalse(dataSource.isWrapperFor(SQLiteConnection.class));
    assertThrows(SQLException.class, () -> dataSource.unwrap(SQLiteConnection.class));
    dataSource.setLoginTimeout(7);
    assertEquals(7, dataSource.getLoginTimeout());
    assertThrows(SQLFeatureNotSupportedException.class, dataSource::getParentLogger);
  }

  @Test
  void hikari_withDataSourceClassName_poolsLatticeConnections() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setDataSourceClassName(LatticeDataSource.class.getName());
    config.addDataSourceProperty("url", url());
    config.addDataSourceProperty("busyTimeout", "3000");
    config.addDataSourceProperty("foldThreshold", "100");
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection connection = pool.getConnection()) {
      assertTrue(connection.isWrapperFor(LatticeConnection.class));
      assertEquals("3000", pragma(connection, "busy_timeout"));
      assertEquals("wal", pragma(connection, "journal_mode"));
    }
  }

  @Test
  void hikari_withLatticeJdbcUrl_servesSeveralThreadsFromAPoolOfFour() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      try (Connection connection = pool.getConnection()) {
        assertTrue(connection.isWrapperFor(LatticeConnection.class));
        connection.createStatement().executeUpdate("CREATE TABLE events(id INTEGER PRIMARY KEY, worker, n)");
      }
      ExecutorService workers = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int worker = 0; worker < 8; worker++) {
          int id = worker;
          done.add(workers.submit(() -> {
            for (int n = 0; n < 25; n++) {
              try (Connection connection = pool.getConnection();
                  PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (NULL, ?, ?)")) {
                insert.setInt(1, id);
                insert.setInt(2, n);
                insert.executeUpdate();
              }
            }
            return null;
          }));
        }
        for (Future<?> future : done) {
          future.get();
        }
      } finally {
        workers.shutdown();
      }
      try (Connection connection = pool.getConnection();
          ResultSet result = connection.createStatement()
              .executeQuery("SELECT count(*), count(DISTINCT worker) FROM events")) {
        assertTrue(result.next());
        assertEquals(200, result.getInt(1));
        assertEquals(8, result.getInt(2));
      }
    }
  }
}
