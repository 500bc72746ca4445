package dev.lattice.driver.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * One connection's prepared statements that the application closed, kept by SQL text for the next
 * {@code prepareStatement} of the same text, most recently used first.
 *
 * <p>Why: applications and pools prepare their statements again in every transaction, and SQLite compiles a tracked
 * table's capture triggers into every statement that writes it, so without reuse the triggers are compiled again on
 * every write (tens of µs, more than the write itself). pgjdbc and MySQL Connector/J keep such caches for the same
 * reason. A statement goes back only as sqlite-jdbc would hand out a fresh one: reset, no parameters, no batch, no
 * warnings, no setting changed (see {@link LatticePreparedStatement#close()}).
 *
 * <p>Synchronized: a pool may close statements, or abort the connection, from another thread.
 *
 * <p>Also hands out the closed sqlite-jdbc statement and result set that a closed wrapper delegates to, so that every
 * call on it fails exactly as on a closed sqlite-jdbc object.
 */
final class StatementCache {
  /** Distinct statements kept per connection: a TPC-C-like workload uses about 30. */
  static final int CAPACITY = 64;

  private final SQLiteConnection raw;
  private final Map<String, PreparedStatement> idle = new LinkedHashMap<>(16, 0.75f, true);
  private PreparedStatement closedStatement;
  private ResultSet closedResult;

  StatementCache(SQLiteConnection raw) {
    this.raw = raw;
  }

  /** The idle statement prepared from {@code sql}, taken out of the cache, or a freshly prepared one. */
  synchronized PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement kept = idle.remove(sql);
    return kept != null ? kept : raw.prepareStatement(sql);
  }

  /** Keeps {@code statement}, already reset, for the next prepare of {@code sql}; closes what no longer fits. */
  synchronized void keep(String sql, PreparedStatement statement) throws SQLException {
    PreparedStatement before = idle.put(sql, statement);
    if (before != null) {
      before.close();
    }
    if (idle.size() > CAPACITY) {
      Iterator<PreparedStatement> eldest = idle.values().iterator();
      PreparedStatement evicted = eldest.next();
      eldest.remove();
      evicted.close();
    }
  }

  /**
   * Forgets every idle statement. Called when this connection changed the schema: a statement SQLite prepared before
   * is prepared again by SQLite when it next runs, and one whose table went would then fail when run instead of when
   * prepared, as a fresh one does.
   */
  synchronized void clear() throws SQLException {
    List<PreparedStatement> all = new ArrayList<>(idle.values());
    idle.clear();
    SQLException failure = null;
    for (PreparedStatement statement : all) {
      try {
        statement.close();
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A closed sqlite-jdbc prepared statement, for closed wrappers to delegate to. */
  synchronized PreparedStatement closedStatement() throws SQLException {
    if (closedStatement == null) {
      makeClosed();
    }
    return closedStatement;
  }

  /** A closed sqlite-jdbc result set, for the result sets of closed wrappers to delegate to. */
  synchronized ResultSet closedResult() throws SQLException {
    if (closedResult == null) {
      makeClosed();
    }
    return closedResult;
  }

  private void makeClosed() throws SQLException {
    PreparedStatement statement = raw.prepareStatement("SELECT 1");
    ResultSet result = statement.executeQuery();
    result.close();
    statement.close();
    closedStatement = statement;
    closedResult = result;
  }
}
