package dev.lattice.driver.capture;

import java.sql.SQLException;
import java.sql.SQLWarning;

/**
 * What the capture engine needs to hear from a driver connection, and what it hands back.
 *
 * <p>The JDBC wrapper calls these at the points where a transaction begins or ends; the engine uses them to fold the
 * capture log into per-row clocks once enough has accumulated (see {@code LogFold}). Every call is cheap when there is
 * nothing to do: a counter check, no SQL.
 */
public interface ConnectionHooks extends AutoCloseable {

  /** After a statement returned while the connection is in auto-commit mode (each such statement is a transaction). */
  void afterAutoCommitStatement() throws SQLException;

  /** After {@link java.sql.Connection#commit()} returned: the next transaction has begun. */
  void afterCommit() throws SQLException;

  /** After auto-commit was turned off: the application's transaction begins. */
  void transactionBegins() throws SQLException;

  /** A statement the wrapper runs on the engine's terms. */
  interface Statement<T> {
    T run() throws SQLException;
  }

  /**
   * Runs a statement that may change the schema ({@code ALTER}, {@code CREATE}, {@code DROP}) so that capture follows
   * it: for {@code alters}, the capture triggers are lifted first (SQLite refuses to drop a column a trigger reads) and
   * put back to match; in auto-commit mode the statement and the follow-up are one transaction, inside the caller's
   * transaction the rest is settled by {@link #beforeCommit}.
   */
  <T> T changingSchema(boolean alters, Statement<T> statement) throws SQLException;

  /**
   * Runs a statement whose update count sqlite-jdbc takes from the growth of {@code sqlite3_total_changes}
   * ({@code Statement.executeUpdate(String)}), which counts the rows capture triggers write, and returns the count
   * without those rows: what the same statement reports on plain sqlite-jdbc. {@code mayWrap}: the SQL does not
   * control the transaction itself, so that in auto-commit mode it may run inside a transaction of the engine's.
   */
  long countingApplicationRows(boolean mayWrap, Statement<Long> statement) throws SQLException;

  /**
   * SQL about to be prepared mentions the {@code lattice_changes} view: create this connection's TEMP view, or
   * refresh it if the schema changed since it was made. Made on demand because it costs milliseconds per connection
   * for a view most connections never read.
   */
  void changesViewNeeded() throws SQLException;

  /** Before {@link java.sql.Connection#commit()} (or the commit of turning auto-commit on) hands over to SQLite. */
  void beforeCommit() throws SQLException;

  /** After the transaction rolled back: the next one has begun. */
  void afterRollback() throws SQLException;

  /**
   * Warnings raised by Lattice SQL functions on this connection since the last call (for example "table uses
   * AUTOINCREMENT keys"), or null. The wrapper chains them into {@link java.sql.Connection#getWarnings()}.
   */
  SQLWarning takeWarnings();

  /** What merges through this connection keep from one batch to the next; closed with the connection. */
  MergeSession mergeSession();

  /** Releases what the engine holds for this connection; never throws. */
  @Override
  void close();
}
