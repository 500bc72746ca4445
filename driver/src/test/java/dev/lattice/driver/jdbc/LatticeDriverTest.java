package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.driver.capture.CaptureOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

class LatticeDriverTest {
  @TempDir Path dir;

  private String url(String params) {
    return "jdbc:lattice:sqlite:" + dir.resolve("app.db") + params;
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA " + name)) {
      assertTrue(result.next());
      return result.getString(1);
    }
  }

  private static String fileOfMain(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT file FROM pragma_database_list WHERE name = 'main'")) {
      assertTrue(result.next());
      return result.getString(1);
    }
  }

  /** Opens through the real driver path with a stand-in engine, and reports the options the engine was given. */
  private static Connection openRecording(String url, Properties info, AtomicReference<CaptureOptions> options)
      throws SQLException {
    return LatticeDriver.open(url, info, (raw, given) -> {
      options.set(given);
      return new RecordingHooks();
    });
  }

  @Test
  void driverManager_opensLatticeUrl_andRunsSql() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url(""));
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
      statement.executeUpdate("INSERT INTO notes(body) VALUES ('hello')");
      try (ResultSet result = statement.executeQuery("SELECT body FROM notes")) {
        assertTrue(result.next());
        assertEquals("hello", result.getString(1));
      }
      assertInstanceOf(LatticeConnection.class, connection);
    }
    assertTrue(Files.exists(dir.resolve("app.db")));
  }

  @Test
  void driverManager_choosesLatticeDriver_forLatticeUrls_andSqliteJdbc_forPlainOnes() throws SQLException {
    assertInstanceOf(LatticeDriver.class, DriverManager.getDriver(url("")));
    assertInstanceOf(org.sqlite.JDBC.class, DriverManager.getDriver("jdbc:sqlite:" + dir.resolve("plain.db")));
  }

  @Test
  void connect_returnsNull_forUrlsOfOtherDrivers() throws SQLException {
    LatticeDriver driver = new LatticeDriver();
    assertNull(driver.connect("jdbc:sqlite:" + dir.resolve("plain.db"), new Properties()));
    assertNull(driver.connect("jdbc:postgresql://localhost/app", new Properties()));
    assertNull(driver.connect("jdbc:lattice:postgresql:app", new Properties()));
    assertFalse(Files.exists(dir.resolve("plain.db")));
  }

  @Test
  void nullUrl_isAnError_asJdbcAsks() {
    LatticeDriver driver = new LatticeDriver();
    assertThrows(SQLException.class, () -> driver.connect(null, new Properties()));
    assertThrows(SQLException.class, () -> driver.acceptsURL(null));
  }

  @Test
  void acceptsUrl_onlyForTheLatticeSqlitePrefix_inAnyCase() throws SQLException {
    LatticeDriver driver = new LatticeDriver();
    assertTrue(driver.acceptsURL("jdbc:lattice:sqlite:app.db"));
    assertTrue(driver.acceptsURL("JDBC:Lattice:SQLite:app.db"));
    assertTrue(driver.acceptsURL("jdbc:lattice:sqlite:"));
    assertFalse(driver.acceptsURL("jdbc:sqlite:app.db"));
    assertFalse(driver.acceptsURL("jdbc:lattice:app.db"));
  }

  @Test
  void serviceLoader_findsLatticeDriver() {
    List<Class<? extends Driver>> drivers =
        ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type).toList();
    assertTrue(drivers.contains(LatticeDriver.class), "found " + drivers);
  }

  @Test
  void defaults_areWalJournal_andTenSecondBusyTimeout() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url(""))) {
      assertEquals("wal", pragma(connection, "journal_mode"));
      assertEquals("10000", pragma(connection, "busy_timeout"));
    }
  }

  @Test
  void urlParameters_overrideTheDefaults() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url("?journal_mode=DELETE&busy_timeout=1234"))) {
      assertEquals("delete", pragma(connection, "journal_mode"));
      assertEquals("1234", pragma(connection, "busy_timeout"));
    }
  }

  @Test
  void properties_overrideTheDefaults_andUrlParameters() throws SQLException {
    Properties info = new Properties();
    info.setProperty("journal_mode", "TRUNCATE");
    info.setProperty("busy_timeout", "4321");
    try (Connection connection = DriverManager.getConnection(url("?journal_mode=DELETE&busy_timeout=1234"), info)) {
      assertEquals("truncate", pragma(connection, "journal_mode"));
      assertEquals("4321", pragma(connection, "busy_timeout"));
    }
  }

  @Test
  void memoryAndTemporaryDatabases_open_althoughSqliteRefusesWalForThem() throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:lattice:sqlite::memory:")) {
      assertEquals("memory", pragma(connection, "journal_mode"));
      assertEquals("10000", pragma(connection, "busy_timeout"));
    }
    // An empty path is SQLite's private temporary database (a file, not memory), which refuses WAL as well.
    try (Connection connection = DriverManager.getConnection("jdbc:lattice:sqlite:")) {
      assertEquals("delete", pragma(connection, "journal_mode"));
      assertEquals("", fileOfMain(connection));
    }
  }

  @Test
  void sqliteUrlParameters_reachSqliteJdbc_besideLatticeOptions() throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(url("?foreign_keys=true&lattice.foldThreshold=0&synchronous=OFF"))) {
      assertEquals("1", pragma(connection, "foreign_keys"));
      assertEquals("0", pragma(connection, "synchronous"));
    }
  }

  @Test
  void latticeOptions_areTakenOutOfTheUrl_soTheFileNameStaysPlain() throws Exception {
    try (Connection connection = DriverManager.getConnection(url("?lattice.foldThreshold=7"))) {
      connection.createStatement().executeUpdate("CREATE TABLE t(x)");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.allMatch(file -> file.getFileName().toString().startsWith("app.db")));
    }
    assertTrue(Files.exists(dir.resolve("app.db")));
  }

  @Test
  void fileUri_keepsItsSqliteParameters() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url(""))) {
      connection.createStatement().executeUpdate("CREATE TABLE t(x)");
    }
    String readOnly = "jdbc:lattice:sqlite:file:" + dir.resolve("app.db") + "?mode=ro&lattice.foldThreshold=0";
    try (Connection connection = DriverManager.getConnection(readOnly)) {
      SQLException e = assertThrows(SQLException.class,
          () -> connection.createStatement().executeUpdate("INSERT INTO t VALUES (1)"));
      assertTrue(e.getMessage().contains("readonly"), e.getMessage());
    }
  }

  @Test
  void foldThreshold_fromUrl_reachesTheCaptureEngine() throws SQLException {
    AtomicReference<CaptureOptions> options = new AtomicReference<>();
    openRecording(url("?lattice.foldThreshold=7"), new Properties(), options).close();
    assertEquals(7, options.get().foldThreshold());
  }

  @Test
  void foldThreshold_fromProperties_winsOverTheUrl() throws SQLException {
    AtomicReference<CaptureOptions> options = new AtomicReference<>();
    Properties info = new Properties();
    info.setProperty("lattice.foldThreshold", "3");
    openRecording(url("?lattice.foldThreshold=7"), info, options).close();
    assertEquals(3, options.get().foldThreshold());
  }

  @Test
  void foldThreshold_whenNotGiven_isTheEngineDefault() throws SQLException {
    AtomicReference<CaptureOptions> options = new AtomicReference<>();
    openRecording(url(""), null, options).close();
    assertEquals(CaptureOptions.DEFAULT_FOLD_THRESHOLD, options.get().foldThreshold());
  }

  @Test
  void invalidFoldThreshold_failsNamingKeyValueAndAllowedValues_beforeOpeningTheFile() {
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url("?lattice.foldThreshold=-1")));
    assertEquals("Invalid value '-1' for lattice.foldThreshold: expected a non-negative integer (default " + CaptureOptions.DEFAULT_FOLD_THRESHOLD + ")",
        e.getMessage());
    Properties info = new Properties();
    info.setProperty("lattice.foldThreshold", "lots");
    e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(""), info));
    assertTrue(e.getMessage().contains("'lots' for lattice.foldThreshold"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("app.db")));
  }

  @Test
  void unknownLatticeOption_failsListingTheKnownOnes() {
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url("?lattice.foldTreshold=5")));
    assertEquals("Unknown jdbc:lattice: option 'lattice.foldTreshold'; known options: lattice.foldThreshold,"
        + " lattice.sync, lattice.passphraseFile", e.getMessage());
    e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url("?lattice.foldthreshold=5")));
    assertTrue(e.getMessage().contains("did you mean 'lattice.foldThreshold'?"), e.getMessage());
  }

  @Test
  void callerProperties_areLeftAsGiven() throws SQLException {
    Properties info = new Properties();
    info.setProperty("lattice.foldThreshold", "3");
    info.setProperty("busy_timeout", "500");
    Properties copy = new Properties();
    copy.putAll(info);
    try (Connection connection = DriverManager.getConnection(url(""), info)) {
      assertEquals("500", pragma(connection, "busy_timeout"));
    }
    assertEquals(copy, info);
  }

  @Test
  void attachFailure_closesTheSqliteConnection_andThrowsSqlException() throws SQLException {
    AtomicReference<SQLiteConnection> opened = new AtomicReference<>();
    SQLException e = assertThrows(SQLException.class, () -> LatticeDriver.open(url(""), null, (raw, options) -> {
      opened.set(raw);
      throw new IllegalStateException("engine exploded");
    }));
    assertTrue(e.getMessage().contains("engine exploded"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(opened.get().isClosed());
  }

  @Test
  void getPropertyInfo_listsLatticeOptionsFirst_thenSqliteJdbcsWithOurDefaults() throws SQLException {
    DriverPropertyInfo[] infos = new LatticeDriver().getPropertyInfo(url(""), new Properties());
    assertEquals("lattice.foldThreshold", infos[0].name);
    assertEquals(String.valueOf(CaptureOptions.DEFAULT_FOLD_THRESHOLD), infos[0].value);
    assertTrue(infos[0].description.contains("fold"), infos[0].description);
    DriverPropertyInfo journalMode = Arrays.stream(infos).filter(info -> info.name.equals("journal_mode"))
        .findFirst().orElseThrow();
    assertEquals("WAL", journalMode.value);
    assertTrue(Arrays.asList(journalMode.choices).contains("WAL"));
    assertTrue(Arrays.stream(infos).anyMatch(info -> info.name.equals("busy_timeout") && "10000".equals(info.value)));
    assertTrue(Arrays.stream(infos).anyMatch(info -> info.name.equals("foreign_keys")));
    DriverPropertyInfo sync = Arrays.stream(infos).filter(info -> info.name.equals("lattice.sync")).findFirst()
        .orElseThrow();
    assertEquals("off", sync.value);
    assertEquals(List.of("off", "auto"), Arrays.asList(sync.choices));
  }

  /** The driver knows no network: background sync comes from lattice-sync-protocol, absent from this module. */
  @Test
  void syncAuto_withoutSyncProtocolOnTheClassPath_refusesToOpenSayingWhatToAdd() {
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url("?lattice.sync=auto")));
    assertTrue(e.getMessage().contains("needs lattice-sync-protocol on the class path"), e.getMessage());
    SQLException memory = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:lattice:sqlite::memory:?lattice.sync=auto"));
    assertTrue(memory.getMessage().contains("needs a database file"), memory.getMessage());
  }

  @Test
  void versionAndCompliance_areStatedHonestly() {
    LatticeDriver driver = new LatticeDriver();
    assertArrayEquals(new int[] {0, 1}, new int[] {driver.getMajorVersion(), driver.getMinorVersion()});
    assertFalse(driver.jdbcCompliant());
    assertThrows(SQLFeatureNotSupportedException.class, driver::getParentLogger);
  }

  @Test
  void connect_onAFreshDriverInstance_opensAWrappedConnection() throws SQLException {
    try (Connection connection = new LatticeDriver().connect(url(""), new Properties())) {
      assertSame(connection, connection.createStatement().getConnection());
    }
  }
}
