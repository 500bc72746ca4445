package dev.lattice.driver.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A sqlite-jdbc prepared statement seen through {@code jdbc:lattice:}. The hot path ({@code set*} then
 * {@code executeUpdate}) is one delegated call each plus {@link LatticeConnection#afterStatement}: no allocation.
 */
final class LatticePreparedStatement extends LatticeStatement implements PreparedStatement {
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

  // Plain delegation.

  @Override public void setNull(int parameterIndex, int sqlType) throws SQLException {
    prepared.setNull(parameterIndex, sqlType);
  }

  @Override public void setBoolean(int parameterIndex, boolean x) throws SQLException {
    prepared.setBoolean(parameterIndex, x);
  }

  @Override public void setByte(int parameterIndex, byte x) throws SQLException { prepared.setByte(parameterIndex, x); }

  @Override public void setShort(int parameterIndex, short x) throws SQLException {
    prepared.setShort(parameterIndex, x);
  }

  @Override public void setInt(int parameterIndex, int x) throws SQLException { prepared.setInt(parameterIndex, x); }
  @Override public void setLong(int parameterIndex, long x) throws SQLException { prepared.setLong(parameterIndex, x); }

  @Override public void setFloat(int parameterIndex, float x) throws SQLException {
    prepared.setFloat(parameterIndex, x);
  }

  @Override public void setDouble(int parameterIndex, double x) throws SQLException {
    prepared.setDouble(parameterIndex, x);
  }

  @Override public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
    prepared.setBigDecimal(parameterIndex, x);
  }

  @Override public void setString(int parameterIndex, String x) throws SQLException {
    prepared.setString(parameterIndex, x);
  }

  @Override public void setBytes(int parameterIndex, byte[] x) throws SQLException {
    prepared.setBytes(parameterIndex, x);
  }

  @Override public void setDate(int parameterIndex, Date x) throws SQLException {
    prepared.setDate(parameterIndex, x);
  }

  @Override public void setTime(int parameterIndex, Time x) throws SQLException {
    prepared.setTime(parameterIndex, x);
  }

  @Override public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
    prepared.setTimestamp(parameterIndex, x);
  }

  @Override public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
    prepared.setAsciiStream(parameterIndex, x, length);
  }

  @Deprecated @Override public void setUnicodeStream(int parameterIndex, InputStream x, int length)
      throws SQLException {
    prepared.setUnicodeStream(parameterIndex, x, length);
  }

  @Override public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
    prepared.setBinaryStream(parameterIndex, x, length);
  }

  @Override public void clearParameters() throws SQLException { prepared.clearParameters(); }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    prepared.setObject(parameterIndex, x, targetSqlType);
  }

  @Override public void setObject(int parameterIndex, Object x) throws SQLException {
    prepared.setObject(parameterIndex, x);
  }

  @Override public void addBatch() throws SQLException { prepared.addBatch(); }

  @Override public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
    prepared.setCharacterStream(parameterIndex, reader, length);
  }

  @Override public void setRef(int parameterIndex, Ref x) throws SQLException { prepared.setRef(parameterIndex, x); }
  @Override public void setBlob(int parameterIndex, Blob x) throws SQLException { prepared.setBlob(parameterIndex, x); }
  @Override public void setClob(int parameterIndex, Clob x) throws SQLException { prepared.setClob(parameterIndex, x); }

  @Override public void setArray(int parameterIndex, Array x) throws SQLException {
    prepared.setArray(parameterIndex, x);
  }

  @Override public ResultSetMetaData getMetaData() throws SQLException { return prepared.getMetaData(); }

  @Override public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
    prepared.setDate(parameterIndex, x, cal);
  }

  @Override public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
    prepared.setTime(parameterIndex, x, cal);
  }

  @Override public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
    prepared.setTimestamp(parameterIndex, x, cal);
  }

  @Override public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
    prepared.setNull(parameterIndex, sqlType, typeName);
  }

  @Override public void setURL(int parameterIndex, URL x) throws SQLException {
    prepared.setURL(parameterIndex, x);
  }

  @Override public ParameterMetaData getParameterMetaData() throws SQLException {
    return prepared.getParameterMetaData();
  }

  @Override public void setRowId(int parameterIndex, RowId x) throws SQLException {
    prepared.setRowId(parameterIndex, x);
  }

  @Override public void setNString(int parameterIndex, String value) throws SQLException {
    prepared.setNString(parameterIndex, value);
  }

  @Override public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
    prepared.setNCharacterStream(parameterIndex, value, length);
  }

  @Override public void setNClob(int parameterIndex, NClob value) throws SQLException {
    prepared.setNClob(parameterIndex, value);
  }

  @Override public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    prepared.setClob(parameterIndex, reader, length);
  }

  @Override public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
    prepared.setBlob(parameterIndex, inputStream, length);
  }

  @Override public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    prepared.setNClob(parameterIndex, reader, length);
  }

  @Override public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
    prepared.setSQLXML(parameterIndex, xmlObject);
  }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
      throws SQLException {
    prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
  }

  @Override public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
    prepared.setAsciiStream(parameterIndex, x, length);
  }

  @Override public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
    prepared.setBinaryStream(parameterIndex, x, length);
  }

  @Override public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
    prepared.setCharacterStream(parameterIndex, reader, length);
  }

  @Override public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
    prepared.setAsciiStream(parameterIndex, x);
  }

  @Override public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
    prepared.setBinaryStream(parameterIndex, x);
  }

  @Override public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
    prepared.setCharacterStream(parameterIndex, reader);
  }

  @Override public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    prepared.setNCharacterStream(parameterIndex, value);
  }

  @Override public void setClob(int parameterIndex, Reader reader) throws SQLException {
    prepared.setClob(parameterIndex, reader);
  }

  @Override public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
    prepared.setBlob(parameterIndex, inputStream);
  }

  @Override public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    prepared.setNClob(parameterIndex, reader);
  }

  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
      throws SQLException {
    prepared.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
  }

  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
    prepared.setObject(parameterIndex, x, targetSqlType);
  }
}
