package dev.lattice.driver.jdbc;

import dev.lattice.driver.capture.ConnectionHooks;
import dev.lattice.driver.sync.AutoSync;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.sqlite.SQLiteConnection;

/**
 * A sqlite-jdbc connection as the application sees it through {@code jdbc:lattice:}: plain delegation, plus the calls
 * into the capture engine ({@link ConnectionHooks}) wherever a transaction may have ended.
 *
 * <p>Everything it hands out wraps its sqlite-jdbc counterpart and points back to the wrappers (statements, result
 * sets, metadata), so an application can never reach the raw connection by accident; {@code unwrap} reaches it on
 * purpose. Once closed, every method but {@code close}, {@code isClosed}, {@code isValid} and {@code abort} throws.
 *
 * <p>The methods that only check the connection is open and forward are generated at build time
 * ({@link ConnectionDelegate}, through {@link #openDelegate}).
 */
final class LatticeConnection extends ConnectionDelegate {
  /** The URL the application opened, which {@link DatabaseMetaData#getURL()} reports. */
  private final String url;
  private final SQLiteConnection delegate;
  private final ConnectionHooks hooks;
  private final StatementCache statements;
  /** Volatile because {@link #abort} may be called from another thread. */
  private volatile boolean closed;
  /** Warnings collected from sqlite-jdbc and the capture engine, kept until {@link #clearWarnings()}. */
  private SQLWarning warnings;

  /** This connection's share of its database's background sync ({@code lattice.sync=auto}), or null. */
  private final AutoSync.Lease sync;

  LatticeConnection(String url, SQLiteConnection delegate, ConnectionHooks hooks,
      AutoSync.Lease sync) {
    this.sync = sync;
    this.url = url;
    this.delegate = delegate;
    this.hooks = hooks;
    this.statements = new StatementCache(delegate);
  }

  StatementCache statements() {
    return statements;
  }

  /** What the generated methods forward to: every one of them throws once this connection is closed. */
  @Override SQLiteConnection openDelegate() throws SQLException {
    checkOpen();
    return delegate;
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("database connection closed"); // sqlite-jdbc's words, and no SQLState, as it has none
    }
  }

  /**
   * Called by the statements after each execution returned: in auto-commit mode that statement was a whole
   * transaction, now committed. Kept to a field read and a call, since it runs on every write.
   */
  void afterStatement() throws SQLException {
    if (delegate.getAutoCommit()) {
      hooks.afterAutoCommitStatement();
    }
  }

  /** Runs {@code statement}, whose SQL is {@code sql}, so that capture follows it if it changes the schema. */
  <T> T execute(String sql, ConnectionHooks.Statement<T> statement) throws SQLException {
    beforePreparing(sql);
    return execute(StatementKind.of(sql), statement);
  }

  /**
   * Runs {@code Statement.executeUpdate(String)} or one of its forms, whose count sqlite-jdbc takes from the growth of
   * {@code total_changes()}: the count comes back without the rows capture triggers wrote
   * ({@link ConnectionHooks#countingApplicationRows}).
   */
  long executeUpdate(String sql, ConnectionHooks.Statement<Long> statement) throws SQLException {
    beforePreparing(sql);
    StatementKind kind = StatementKind.of(sql);
    return kind == StatementKind.DATA
        ? hooks.countingApplicationRows(!StatementKind.controlsTransaction(sql), statement)
        : execute(kind, statement);
  }

  /** SQLite resolves names when it prepares: the changes view must exist by then if the SQL reads it. */
  void beforePreparing(String sql) throws SQLException {
    if (mentionsChangesView(sql)) {
      hooks.changesViewNeeded();
    }
  }

  private static boolean mentionsChangesView(String sql) {
    return indexOfIgnoreCase(sql, "lattice_changes") >= 0;
  }

  private static int indexOfIgnoreCase(String text, String word) {
    char first = word.charAt(0); // lower case, so that | 0x20 folds an ASCII letter to match it cheaply
    for (int i = 0; i + word.length() <= text.length(); i++) {
      if ((text.charAt(i) | 0x20) == first && text.regionMatches(true, i, word, 0, word.length())) {
        return i;
      }
    }
    return -1;
  }

  <T> T execute(StatementKind kind, ConnectionHooks.Statement<T> statement) throws SQLException {
    if (kind == StatementKind.DATA) {
      return statement.run();
    }
    statements.clear();
    return hooks.changingSchema(kind == StatementKind.ALTER, statement);
  }

  // Statements: always wrapped, so that their getConnection() and their result sets lead back here.

  @Override public Statement createStatement() throws SQLException {
    checkOpen();
    return new LatticeStatement(this, delegate.createStatement());
  }

  @Override public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
    checkOpen();
    return new LatticeStatement(this, delegate.createStatement(resultSetType, resultSetConcurrency));
  }

  @Override public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    checkOpen();
    return new LatticeStatement(this,
        delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
  }

  /** The one form applications and pools call in every transaction: served from the statement cache. */
  @Override public PreparedStatement prepareStatement(String sql) throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql, statements.prepare(sql), true);
  }

  @Override public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql, delegate.prepareStatement(sql, autoGeneratedKeys), false);
  }

  @Override public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql, delegate.prepareStatement(sql, columnIndexes), false);
  }

  @Override public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql, delegate.prepareStatement(sql, columnNames), false);
  }

  @Override public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql,
        delegate.prepareStatement(sql, resultSetType, resultSetConcurrency), false);
  }

  @Override public PreparedStatement prepareStatement(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkOpen();
    beforePreparing(sql);
    return new LatticePreparedStatement(this, sql,
        delegate.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability), false);
  }

  // SQLite has no stored procedures; sqlite-jdbc throws a plain SQLException here. The subclass says it more exactly
  // and is still caught by code that expects sqlite-jdbc's behaviour.

  @Override public CallableStatement prepareCall(String sql) throws SQLException {
    checkOpen();
    throw noStoredProcedures();
  }

  @Override public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkOpen();
    throw noStoredProcedures();
  }

  @Override public CallableStatement prepareCall(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkOpen();
    throw noStoredProcedures();
  }

  private static SQLFeatureNotSupportedException noStoredProcedures() {
    return new SQLFeatureNotSupportedException(
        "SQLite does not support stored procedures, so there is no CallableStatement; use prepareStatement");
  }

  // Transactions: tell the capture engine when one has committed.

  @Override public void commit() throws SQLException {
    checkOpen();
    hooks.beforeCommit();
    delegate.commit();
    hooks.afterCommit();
  }

  @Override public void rollback() throws SQLException {
    checkOpen();
    delegate.rollback();
    hooks.afterRollback();
  }

  @Override public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    boolean was = delegate.getAutoCommit();
    boolean commits = autoCommit && !was;
    if (commits) {
      hooks.beforeCommit();
    }
    delegate.setAutoCommit(autoCommit);
    // JDBC: turning auto-commit back on commits the open transaction (sqlite-jdbc runs "commit;").
    if (commits) {
      hooks.afterCommit();
    } else if (was && !autoCommit) {
      hooks.transactionBegins();
    }
  }

  // Life cycle.

  @Override public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    release();
  }

  /**
   * The cache and the engine first: whatever they hold belongs to the raw connection. Each is released even when one
   * before it fails, so a statement that will not close cannot keep the database's sync running or the file open.
   */
  private void release() throws SQLException {
    try {
      statements.clear();
    } finally {
      try {
        if (sync != null) {
          sync.close(); // the database's sync lingers a moment, then stops if no other connection holds it
        }
      } finally {
        try {
          hooks.close();
        } finally {
          delegate.close();
        }
      }
    }
  }

  @Override public boolean isClosed() throws SQLException {
    return closed || delegate.isClosed();
  }

  @Override public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException("isValid timeout must be >= 0 seconds, was " + timeout);
    }
    return !closed && delegate.isValid(timeout);
  }

  /** Marks the connection closed at once, as JDBC asks, and releases it on {@code executor}. */
  @Override public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw new SQLException("abort needs an executor to release the connection on");
    }
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(() -> {
      try {
        release();
      } catch (SQLException e) {
        // Nobody is left to tell: abort's caller has moved on, and the connection is gone either way.
      }
    });
  }

  @Override public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    return new LatticeDatabaseMetaData(this, delegate.getMetaData());
  }

  String url() {
    return url;
  }

  // Warnings: sqlite-jdbc's own (it reports none as of 3.54), then those the capture engine raised.

  @Override public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    SQLWarning fromSqlite = delegate.getWarnings();
    if (fromSqlite != null) {
      addWarning(fromSqlite);
      delegate.clearWarnings(); // now kept here; collecting them again would chain them twice
    }
    addWarning(hooks.takeWarnings());
    return warnings;
  }

  private void addWarning(SQLWarning warning) {
    if (warning == null) {
      return;
    }
    if (warnings == null) {
      warnings = warning;
    } else {
      warnings.setNextWarning(warning);
    }
  }

  @Override public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
    delegate.clearWarnings();
    hooks.takeWarnings(); // discarded: clearing means everything raised so far
  }

  // Client info: these two may only throw SQLClientInfoException.

  @Override public void setClientInfo(String name, String value) throws SQLClientInfoException {
    checkOpenForClientInfo();
    delegate.setClientInfo(name, value);
  }

  @Override public void setClientInfo(Properties properties) throws SQLClientInfoException {
    checkOpenForClientInfo();
    delegate.setClientInfo(properties);
  }

  private void checkOpenForClientInfo() throws SQLClientInfoException {
    if (closed) {
      throw new SQLClientInfoException("database connection closed", Map.of());
    }
  }

  // Unlike the generated methods, these two answer on a closed connection too, as they always have. They also reach
  // the engine's side of this connection, for the replica API: what it keeps per connection lives there.

  @Override public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface == ConnectionHooks.class ? iface.cast(hooks) : Wrappers.unwrap(this, delegate, iface);
  }

  @Override public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface == ConnectionHooks.class || Wrappers.isWrapperFor(this, delegate, iface);
  }

  @Override public String toString() {
    return "LatticeConnection[" + url + ", " + delegate + (closed ? ", closed]" : "]");
  }
}
