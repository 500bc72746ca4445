package dev.lattice.driver.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A sqlite-jdbc result set seen through {@code jdbc:lattice:}: pure delegation, so that {@code next()} and the getters
 * cost what sqlite-jdbc's do, except that {@code getStatement()} returns the wrapper statement that produced it.
 *
 * <p>The delegation is generated at build time ({@link ResultSetDelegate}, by {@code src/build/DelegateGenerator.java}):
 * plain calls through {@link #delegate()}, which the JIT inlines as it did the hand-written ones, where a
 * {@code java.lang.reflect.Proxy} would put a reflective dispatch on every getter of every row.
 */
final class LatticeResultSet extends ResultSetDelegate {
  /** The wrapper statement that produced this result set; null for DatabaseMetaData results. */
  private final LatticeStatement statement;
  /** Not final: when its statement closes, it is pointed at a closed result set ({@link #detach}). */
  private ResultSet delegate;

  LatticeResultSet(LatticeStatement statement, ResultSet delegate) {
    this.statement = statement;
    this.delegate = delegate;
  }

  @Override ResultSet delegate() {
    return delegate;
  }

  /**
   * Its statement closed and went back to the connection's cache, where the sqlite-jdbc result set lives on: from
   * now on every call goes to {@code closed}, and so fails as it does on a closed sqlite-jdbc result set.
   */
  void detach(ResultSet closed) {
    delegate = closed;
  }

  /**
   * The statement that produced this result set, or null for one from {@link java.sql.DatabaseMetaData}, as JDBC
   * allows. sqlite-jdbc answers there with the internal statement it ran the metadata query on; handing that out
   * would let an application reach past the wrapper.
   */
  @Override public Statement getStatement() throws SQLException { return statement; }

  @Override public String toString() {
    return "LatticeResultSet[" + delegate + "]";
  }
}
