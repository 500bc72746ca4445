package dev.lattice.driver.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A sqlite-jdbc prepared statement seen through {@code jdbc:lattice:}. The hot path ({@code set*} then
 * {@code executeUpdate}) is one delegated call each plus {@link LatticeConnection#afterStatement}: no allocation. The
 * {@code set*} methods and the rest that only forward are generated at build time ({@link PreparedStatementDelegate}).
 */
final class LatticePreparedStatement extends PreparedStatementDelegate {
  private final String sql;
  /** Prepared by {@code prepareStatement(sql)} alone, so another such call may take it over once it is closed. */
  private final boolean reusable;
  /** Not final: on close it is replaced by a closed statement, and the live one may go back to the cache. */
  private PreparedStatement prepared;
  private final StatementKind kind;
  /** The last execution left a result set open, which holds SQLite's statement (and its read) until closed. */
  private boolean resultPending;
  /** That result set, once the application has it. */
  private ResultSet executionResult;
  private boolean closed;

  LatticePreparedStatement(LatticeConnection connection, String sql, PreparedStatement prepared, boolean reusable) {
    super(connection, prepared);
    this.sql = sql;
    this.reusable = reusable;
    this.prepared = prepared;
    this.kind = StatementKind.of(sql);
  }

  @Override PreparedStatement prepared() {
    return prepared;
  }

  /**
   * Closes the statement for the application. The sqlite-jdbc statement underneath goes back to the connection's
   * cache if it can be handed out again exactly as a fresh one: prepared by {@code prepareStatement(sql)}, no setting
   * changed, and its result set, if any, closed (which resets SQLite's statement, ending its read); otherwise it is
   * closed. Either way, this wrapper and its result set from now on behave as closed sqlite-jdbc objects.
   */
  @Override public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    PreparedStatement live = prepared;
    if (live.isClosed()) {
      return;
    }
    if (!reusable || configured() || (resultPending && executionResult == null) || connection.isClosed()) {
      live.close();
      return;
    }
    try {
      if (executionResult != null) {
        executionResult.close();
      }
      live.clearParameters();
      live.clearBatch();
      live.clearWarnings();
    } catch (SQLException e) {
      live.close();
      return;
    }
    StatementCache cache = connection.statements();
    prepared = cache.closedStatement();
    detach(prepared, cache.closedResult());
    cache.keep(sql, live);
  }

  // Executions: each reports to the connection once the delegate returned (in auto-commit mode, a transaction).

  @Override public ResultSet executeQuery() throws SQLException {
    ResultSet result = prepared.executeQuery();
    resultPending = true;
    executionResult = result;
    return wrap(result);
  }

  @Override public ResultSet getResultSet() throws SQLException {
    ResultSet result = prepared.getResultSet();
    if (result != null) {
      executionResult = result;
    }
    return wrap(result);
  }

  @Override public int executeUpdate() throws SQLException {
    resultPending = false; // sqlite-jdbc closes the last result set before it runs the statement again
    int result = kind == StatementKind.DATA
        ? prepared.executeUpdate()
        : connection.execute(kind, prepared::executeUpdate);
    connection.afterStatement();
    return result;
  }

  @Override public boolean execute() throws SQLException {
    boolean result = kind == StatementKind.DATA ? prepared.execute() : connection.execute(kind, prepared::execute);
    executionResult = null;
    resultPending = result;
    if (!result) { // a query leaves its result set open, and no fold may write under it
      connection.afterStatement();
    }
    return result;
  }

  @Override public long executeLargeUpdate() throws SQLException {
    resultPending = false;
    long result = kind == StatementKind.DATA
        ? prepared.executeLargeUpdate()
        : connection.execute(kind, prepared::executeLargeUpdate);
    connection.afterStatement();
    return result;
  }
}
