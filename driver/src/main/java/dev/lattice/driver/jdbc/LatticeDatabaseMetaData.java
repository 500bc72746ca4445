package dev.lattice.driver.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * sqlite-jdbc's database metadata seen through {@code jdbc:lattice:}: {@code getConnection()} returns the wrapper
 * connection and every result set is wrapped. The product is still "SQLite": Lattice is a layer, not a database.
 *
 * <p>The other methods only forward, and are generated at build time ({@link DatabaseMetaDataDelegate}), result sets
 * passing through {@link #wrap}.
 */
final class LatticeDatabaseMetaData extends DatabaseMetaDataDelegate {
  private final LatticeConnection connection;
  private final DatabaseMetaData delegate;

  LatticeDatabaseMetaData(LatticeConnection connection, DatabaseMetaData delegate) {
    this.connection = connection;
    this.delegate = delegate;
  }

  @Override DatabaseMetaData delegate() {
    return delegate;
  }

  /** Metadata results have no statement of the application's: their getStatement() is null. */
  @Override ResultSet wrap(ResultSet result) {
    return result == null ? null : new LatticeResultSet(null, result);
  }

  @Override public Connection getConnection() throws SQLException { return connection; }

  /** The URL the application opened ({@code jdbc:lattice:...}), not the {@code jdbc:sqlite:} one underneath. */
  @Override public String getURL() { return connection.url(); }

  @Override public String toString() {
    return "LatticeDatabaseMetaData[" + delegate + "]";
  }
}
