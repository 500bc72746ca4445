package dev.lattice.driver.capture;

import java.sql.SQLException;
import java.sql.SQLWarning;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Folds the capture log from a driver connection once enough has accumulated. Checking costs one indexed query, so
 * it is done after every explicit commit and after every {@value #AUTOCOMMIT_CHECK_INTERVAL}th auto-commit statement.
 */
final class CaptureHooks implements ConnectionHooks {
  static final int AUTOCOMMIT_CHECK_INTERVAL = 256;

  private final SQLiteConnection c;
  private final CaptureOptions options;
  private SQLWarning warnings;
  private int statementsSinceCheck;
  private boolean folding;
  /** The open transaction changed the schema through this connection: follow it before it commits. */
  private boolean schemaChanged;
  /** {@code PRAGMA schema_version} when this connection last made its changes view; -1 before that. */
  private long changesViewMadeAt = -1;

  CaptureHooks(SQLiteConnection c, CaptureOptions options) {
    this.c = c;
    this.options = options;
  }

  @Override
  public void afterAutoCommitStatement() throws SQLException {
    if (++statementsSinceCheck >= AUTOCOMMIT_CHECK_INTERVAL) {
      foldAfterCommit();
    }
  }

  @Override
  public void afterCommit() throws SQLException {
    foldAfterCommit();
  }

  /**
   * Folds if due, right after the application's transaction committed. A fold that fails here (a full disk, a file
   * that became read-only, a lock held too long) must not be thrown from {@code commit()} or the statement: the
   * transaction is durable, and an exception would tell the application it was lost. It becomes a warning
   * on the connection; the log stays pending and folds at the next commit or replica read.
   */
  private void foldAfterCommit() throws SQLException {
    try {
      foldIfDue();
    } catch (SQLException e) {
      try {
        if (!c.getAutoCommit()) {
          c.rollback(); // the transaction the fold ran in holds nothing of the application's yet
        }
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      if (isBusy(e)) {
        return; // another connection wrote since this transaction read (SQLITE_BUSY_SNAPSHOT): routine, fold later
      }
      warn(new SQLWarning("the transaction committed, but folding the capture log after it failed: "
          + e.getMessage() + ". Nothing is lost: the log stays pending and is folded at the next commit or read"
          + " through the replica API", e.getSQLState(), e.getErrorCode(), e));
    }
  }

  @Override
  public <T> T changingSchema(boolean alters, Statement<T> statement) throws SQLException {
    if (!LatticeSchema.exists(c)) {
      return statement.run();
    }
    boolean autoCommit = c.getAutoCommit();
    return Transactions.write(c, "lattice_schema_change", () -> {
      SchemaEvolution.Lifted lifted = alters ? SchemaEvolution.lift(c) : SchemaEvolution.Lifted.NONE;
      T result = statement.run();
      if (autoCommit) {
        SchemaEvolution.follow(c, SchemaEvolution.Mode.COMMIT, lifted);
      } else {
        if (alters) {
          SchemaEvolution.follow(c, SchemaEvolution.Mode.STATEMENT, lifted);
        }
        schemaChanged = true;
      }
      return result;
    });
  }

  @Override
  public void changesViewNeeded() throws SQLException {
    if (!LatticeSchema.exists(c)) {
      return;
    }
    long cookie = Sql.oneLong(c, "PRAGMA schema_version");
    if (cookie != changesViewMadeAt || !ChangesView.exists(c)) {
      ChangesView.rebuild(c, TrackedTables.all(c).values());
      changesViewMadeAt = cookie;
    }
  }

  @Override
  public void beforeCommit() throws SQLException {
    if (schemaChanged) {
      SchemaEvolution.follow(c, SchemaEvolution.Mode.COMMIT, SchemaEvolution.Lifted.NONE);
      schemaChanged = false;
    }
  }

  @Override
  public void afterRollback() {
    schemaChanged = false;
  }

  private void foldIfDue() throws SQLException {
    statementsSinceCheck = 0;
    if (options.foldThreshold() == 0 || folding || !LatticeSchema.exists(c)) {
      return;
    }
    if (LogFold.pending(c) >= options.foldThreshold()) {
      folding = true;
      try {
        LogFold.fold(c);
      } finally {
        folding = false;
      }
      if (!c.getAutoCommit()) {
        c.commit(); // the fold ran in the fresh transaction that followed the caller's commit: end it too
      }
    }
  }

  private static boolean isBusy(SQLException e) {
    return e instanceof SQLiteException s && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
  }

  void warn(SQLWarning warning) {
    if (warnings == null) {
      warnings = warning;
    } else {
      warnings.setNextWarning(warning);
    }
  }

  @Override
  public SQLWarning takeWarnings() {
    SQLWarning taken = warnings;
    warnings = null;
    return taken;
  }

  @Override
  public void close() {
    warnings = null;
  }
}
