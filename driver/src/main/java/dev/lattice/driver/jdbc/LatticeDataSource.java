package dev.lattice.driver.jdbc;

import dev.lattice.driver.SqlStates;
import dev.lattice.driver.capture.Capture;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for {@code jdbc:lattice:sqlite:} URLs, configured through bean setters: usable as HikariCP's
 * {@code dataSourceClassName} (with {@code dataSource.url=jdbc:lattice:sqlite:app.db}) and by frameworks that build
 * data sources from properties.
 *
 * <pre>{@code
 * LatticeDataSource dataSource = new LatticeDataSource();
 * dataSource.setUrl("jdbc:lattice:sqlite:app.db");
 * try (Connection connection = dataSource.getConnection()) { ... }
 * }</pre>
 *
 * <p>Values set here override the same option given in the URL. Options not set here fall back to the URL, then to the
 * driver's defaults (see {@link LatticeDriver}); so the option setters have no getters, which would have to answer
 * "not set here". Each setter checks its value at once. Configure the data source before handing it to other threads.
 */
public final class LatticeDataSource implements DataSource {
  private String url;
  private String journalMode;
  private Integer busyTimeout;
  private Integer foldThreshold;
  private int loginTimeout;
  private PrintWriter logWriter;

  public LatticeDataSource() {}

  /** The database to open, e.g. {@code jdbc:lattice:sqlite:app.db}; required. */
  public void setUrl(String url) {
    if (!LatticeDriver.owns(url)) {
      throw new IllegalArgumentException("url must start with " + LatticeDriver.PREFIX + ", was '" + url + "'");
    }
    this.url = url;
  }

  public String getUrl() {
    return url;
  }

  /** SQLite's journal mode (sqlite-jdbc's {@code journal_mode}); {@code WAL} unless set here or in the URL. */
  public void setJournalMode(String journalMode) {
    for (String choice : org.sqlite.SQLiteConfig.Pragma.JOURNAL_MODE.choices) {
      if (choice.equalsIgnoreCase(journalMode)) {
        this.journalMode = choice;
        return;
      }
    }
    throw new IllegalArgumentException("Invalid value '" + journalMode + "' for journalMode: expected one of "
        + String.join(", ", org.sqlite.SQLiteConfig.Pragma.JOURNAL_MODE.choices));
  }

  /** Milliseconds a connection waits for another writer (sqlite-jdbc's {@code busy_timeout}); 10000 unless set. */
  public void setBusyTimeout(int busyTimeout) {
    if (busyTimeout < 0) {
      throw new IllegalArgumentException(
          "Invalid value '" + busyTimeout + "' for busyTimeout: expected milliseconds >= 0");
    }
    this.busyTimeout = busyTimeout;
  }

  /** See {@link LatticeProperty#FOLD_THRESHOLD}. */
  public void setFoldThreshold(int foldThreshold) {
    try {
      this.foldThreshold = LatticeProperty.FOLD_THRESHOLD.parseInt(Integer.toString(foldThreshold));
    } catch (SQLException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (url == null) {
      throw new SQLException("LatticeDataSource has no url: call setUrl(\"" + LatticeDriver.PREFIX + "app.db\") first "
          + "(with HikariCP: dataSource.url)", SqlStates.UNABLE_TO_CONNECT);
    }
    Properties properties = new Properties();
    if (journalMode != null) {
      properties.setProperty(LatticeDriver.JOURNAL_MODE, journalMode);
    }
    if (busyTimeout != null) {
      properties.setProperty(LatticeDriver.BUSY_TIMEOUT, busyTimeout.toString());
    }
    if (foldThreshold != null) {
      properties.setProperty(LatticeProperty.FOLD_THRESHOLD.key(), foldThreshold.toString());
    }
    return LatticeDriver.open(url, properties, Capture::attach);
  }

  /** SQLite has no users: {@code username} and {@code password} are ignored. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  /** Kept for tools that read it back; opening a SQLite file does not wait on a login. */
  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  /** Kept for tools that read it back; the driver writes nothing to it. */
  @Override
  public void setLogWriter(PrintWriter out) {
    logWriter = out;
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("The Lattice driver does not log through java.util.logging");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("LatticeDataSource is not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "LatticeDataSource[" + url + "]";
  }
}
