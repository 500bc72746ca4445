package dev.lattice.driver.jdbc;

import dev.lattice.driver.SqlStates;
import dev.lattice.driver.capture.Capture;
import dev.lattice.driver.capture.CaptureOptions;
import dev.lattice.driver.capture.ConnectionHooks;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.nio.file.Path;
import dev.lattice.driver.sync.AutoSync;
import dev.lattice.driver.sync.SyncSettings;
import java.util.StringJoiner;
import java.util.logging.Logger;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConnection;

/**
 * The {@code jdbc:lattice:sqlite:} driver: opens an ordinary sqlite-jdbc connection and wraps it so that writes to
 * tracked tables are captured for sync.
 *
 * <p>URL: {@code jdbc:lattice:sqlite:<path or file: URI>[?params]}. Everything after {@code jdbc:lattice:} reaches
 * sqlite-jdbc as {@code jdbc:sqlite:...} together with the caller's Properties, except Lattice's own options
 * ({@link LatticeProperty}), which are taken out of both. Unless the caller set them (as URL parameters or Properties,
 * with sqlite-jdbc's names), connections use {@code journal_mode=WAL}, so that readers and the writer do not block each
 * other, and {@code busy_timeout=10000} ms, so that a writer waits for another one instead of failing at once.
 * SQLite keeps {@code :memory:} databases in memory journal mode whatever is asked, and an empty path (SQLite's private
 * temporary database) in delete mode.
 *
 * <p>Registered with {@link DriverManager} when the class loads, and found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/java.sql.Driver}.
 */
public final class LatticeDriver implements Driver {
  /** The URL prefix this driver owns; matched without regard to case, as sqlite-jdbc matches its own. */
  public static final String PREFIX = "jdbc:lattice:sqlite:";

  static final String JOURNAL_MODE = "journal_mode";
  static final String BUSY_TIMEOUT = "busy_timeout";
  static final String DEFAULT_JOURNAL_MODE = "WAL";
  static final String DEFAULT_BUSY_TIMEOUT = "10000";

  private static final JDBC SQLITE = new JDBC();

  static {
    try {
      DriverManager.registerDriver(new LatticeDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Public for {@link java.util.ServiceLoader}; applications go through {@link DriverManager}. */
  public LatticeDriver() {}

  @Override
  public boolean acceptsURL(String url) throws SQLException {
    return owns(requireUrl(url));
  }

  /** Opens a Lattice connection, or returns null for a URL that belongs to another driver (the JDBC contract). */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    return owns(requireUrl(url)) ? open(url, info, Capture::attach) : null;
  }

  static boolean owns(String url) {
    return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** JDBC 4.3 asks both methods to throw for a null URL; sqlite-jdbc answers false and null instead. */
  private static String requireUrl(String url) throws SQLException {
    if (url == null) {
      throw new SQLException("url is null; expected " + PREFIX + "<path>", SqlStates.UNABLE_TO_CONNECT);
    }
    return url;
  }

  /** How a raw connection is prepared for capture: {@link Capture#attach} in production, a stand-in in tests. */
  @FunctionalInterface
  interface Attach {
    ConnectionHooks attach(SQLiteConnection raw, CaptureOptions options) throws SQLException;
  }

  /** Opens {@code url}, which must start with {@link #PREFIX}; never modifies {@code info}. */
  static LatticeConnection open(String url, Properties info, Attach attach) throws SQLException {
    if (!owns(url)) {
      throw new SQLException("Not a Lattice URL: '" + url + "'; expected " + PREFIX + "<path>, e.g. "
          + PREFIX + "app.db", SqlStates.UNABLE_TO_CONNECT);
    }
    Target target = Target.of(url, info);
    SQLiteConnection raw = JDBC.createConnection(target.sqliteUrl, target.sqliteProperties);
    ConnectionHooks hooks;
    try {
      hooks = attach.attach(raw, target.options);
    } catch (SQLException | RuntimeException e) {
      closeAfterFailure(raw, e);
      throw e instanceof SQLException sql ? sql
          : new SQLException("Lattice could not prepare the connection to " + target.sqliteUrl + ": " + e, e);
    } catch (Error e) {
      closeAfterFailure(raw, e);
      throw e;
    }
    if (!target.sync.auto()) {
      return new LatticeConnection(url, raw, hooks, null);
    }
    AutoSync.Lease lease = null;
    try {
      lease = AutoSync.acquire(databaseFile(target.location), target.sync);
      SyncStatusSql.install(raw, lease);
      return new LatticeConnection(url, raw, hooks, lease);
    } catch (SQLException | RuntimeException e) {
      if (lease != null) {
        lease.close();
      }
      hooks.close();
      closeAfterFailure(raw, e);
      throw e;
    }
  }

  /** The database file of a URL's location (a path, or a {@code file:} URI); refused for in-memory databases. */
  private static Path databaseFile(String location) throws SQLException {
    String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
    if (path.isEmpty() || path.contains(":memory:") || path.contains("mode=memory")) {
      throw new SQLException("lattice.sync=auto needs a database file, not an in-memory database",
          SqlStates.INVALID_PARAMETER_VALUE);
    }
    return Path.of(path);
  }

  private static void closeAfterFailure(SQLiteConnection raw, Throwable failure) {
    try {
      raw.close();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** What one Lattice URL and its Properties mean for sqlite-jdbc and for the capture engine. */
  private record Target(String sqliteUrl, Properties sqliteProperties, CaptureOptions options, SyncSettings sync,
      String location) {

    static Target of(String url, Properties info) throws SQLException {
      String rest = url.trim().substring(PREFIX.length());
      int query = rest.indexOf('?');
      Properties sqlite = new Properties();
      if (info != null) {
        sqlite.putAll(info);
      }
      Properties lattice = new Properties();
      // sqlite-jdbc reads ?key=value pairs itself; keep its own (and SQLite URI parameters) in place, in order. A
      // Lattice key must go: sqlite-jdbc would leave it in the file name ("app.db?lattice.x=1" becomes the file).
      StringJoiner kept = new StringJoiner("&", "?", "").setEmptyValue("");
      boolean journalModeSet = hasValue(sqlite, JOURNAL_MODE);
      boolean busyTimeoutSet = hasValue(sqlite, BUSY_TIMEOUT);
      if (query >= 0) {
        for (String param : rest.substring(query + 1).split("&")) {
          int eq = param.indexOf('=');
          String key = (eq < 0 ? param : param.substring(0, eq)).trim();
          String value = eq < 0 ? "" : param.substring(eq + 1).trim();
          if (key.isEmpty()) {
            continue;
          }
          if (LatticeProperty.isLatticeKey(key)) {
            lattice.setProperty(key, value); // a later repeat wins, as with sqlite-jdbc's own URL parameters
            continue;
          }
          kept.add(param);
          journalModeSet |= key.equalsIgnoreCase(JOURNAL_MODE) && !value.isEmpty();
          busyTimeoutSet |= key.equalsIgnoreCase(BUSY_TIMEOUT) && !value.isEmpty();
        }
      }
      for (Object key : List.copyOf(sqlite.keySet())) {
        if (key instanceof String name && LatticeProperty.isLatticeKey(name)) {
          lattice.setProperty(name, String.valueOf(sqlite.remove(name))); // Properties win over the URL
        }
      }
      CaptureOptions options = LatticeProperty.captureOptions(lattice); // before touching the file: fail fast
      // Properties override URL parameters in sqlite-jdbc, so a default may only go in when neither place has one.
      if (!journalModeSet) {
        sqlite.setProperty(JOURNAL_MODE, DEFAULT_JOURNAL_MODE);
      }
      if (!busyTimeoutSet) {
        sqlite.setProperty(BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT);
      }
      String location = query < 0 ? rest : rest.substring(0, query);
      return new Target(JDBC.PREFIX + location + kept, sqlite, options, LatticeProperty.syncSettings(lattice),
          location);
    }

    /** As sqlite-jdbc reads it: {@code getProperty}, which ignores values that are not strings. */
    private static boolean hasValue(Properties properties, String key) {
      String value = properties.getProperty(key);
      return value != null && !value.isBlank();
    }
  }

  /** Lattice's options first, then sqlite-jdbc's, with the defaults this driver applies filled in. */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    List<DriverPropertyInfo> all = new ArrayList<>();
    for (LatticeProperty property : LatticeProperty.values()) {
      all.add(property.toPropertyInfo(info == null ? null : info.getProperty(property.key())));
    }
    for (DriverPropertyInfo sqlite : SQLITE.getPropertyInfo(JDBC.PREFIX, info)) {
      if (sqlite.value == null && JOURNAL_MODE.equals(sqlite.name)) {
        sqlite.value = DEFAULT_JOURNAL_MODE;
      } else if (sqlite.value == null && BUSY_TIMEOUT.equals(sqlite.name)) {
        sqlite.value = DEFAULT_BUSY_TIMEOUT;
      }
      all.add(sqlite);
    }
    return all.toArray(DriverPropertyInfo[]::new);
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  /** False: SQLite itself falls short of full JDBC compliance (no stored procedures, for one). */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("The Lattice driver does not log through java.util.logging");
  }

  @Override
  public String toString() {
    return "LatticeDriver[" + PREFIX + ", sqlite-jdbc " + SQLITE.getMajorVersion() + "." + SQLITE.getMinorVersion()
        + "]";
  }
}
