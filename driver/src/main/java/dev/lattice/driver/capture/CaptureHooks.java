package dev.lattice.driver.capture;

import java.sql.SQLException;
import java.sql.SQLWarning;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A driver connection's part in capture: folds the capture log once enough has accumulated, follows schema changes
 * made through the connection, and keeps its changes view current.
 *
 * <p>The application's transactions stay its own. Nothing here runs after a commit: sqlite-jdbc begins the next
 * transaction right after committing, and a read there would pin a snapshot that makes the application's next write
 * fail with SQLITE_BUSY_SNAPSHOT (which no busy timeout cures) or with SQLITE_BUSY at once instead of waiting. Work that
 * writes runs inside a transaction of the application's that has already written, so it holds the write lock, just
 * before that transaction commits; in auto-commit mode it runs in a transaction of its own after the statement. Whether
 * there is anything to do is told without SQL, by {@code sqlite3_total_changes}: the rows this connection changed,
 * triggers' rows included.
 */
final class CaptureHooks implements ConnectionHooks {
  /** Rows changed through this connection between two looks at the log's length, at most. */
  static final int CHECK_EVERY = 1024;

  private final SQLiteConnection c;
  private final CaptureOptions options;
  /** Rows changed through this connection between two looks at the log's length. */
  private final long checkEvery;
  private SQLWarning warnings;
  private MergeSession mergeSession;
  /** Lattice's tables exist in this file; once true it stays true, so it is looked up until then only. */
  private boolean enabled;
  /** {@code total_changes} when the log's length was last looked at. */
  private long changesAtCheck;
  /** {@code total_changes} when the application's current transaction began. */
  private long changesAtBegin;
  /** The open transaction changed the schema through this connection: follow it before it commits. */
  private boolean schemaChanged;
  /** The schema changed since capture last followed it: settled by this connection's next write transaction. */
  private boolean schemaStale;
  /** {@code PRAGMA schema_version} when this connection last made its changes view; -1 before that. */
  private long changesViewMadeAt = -1;

  CaptureHooks(SQLiteConnection c, CaptureOptions options) {
    this.c = c;
    this.options = options;
    this.checkEvery = options.foldThreshold() == 0 ? CHECK_EVERY : Math.min(CHECK_EVERY, options.foldThreshold());
  }

  /**
   * Looks, by reading only, at what changed in the file since capture last followed its schema. A connection writes
   * at open only to upgrade a file an earlier layout wrote (once per file), or when another tool changed a tracked
   * table (capture must follow that before this connection's writes
   * are captured); if the file is busy then, it says so in a warning and follows in its first write transaction.
   */
  void open() throws SQLException {
    if (SchemaEvolution.unchangedSinceFollowed(c)) {
      changesAtBegin = changesAtCheck = totalChanges();
      return;
    }
    LayoutUpgrade.upgradeIfOlder(c);
    switch (SchemaEvolution.drift(c)) {
      case NONE -> { }
      case UNTRACKED_ONLY -> schemaStale = true;
      case TRACKED -> {
        try {
          SchemaEvolution.followIfChanged(c);
        } catch (SQLException e) {
          if (!isBusy(e)) {
            throw e;
          }
          schemaStale = true;
          warn(new SQLWarning("another tool changed a tracked table's definition, and the database was busy when"
              + " this connection opened: capture follows the change in this connection's first write transaction",
              e.getSQLState(), e.getErrorCode(), e));
        }
      }
    }
    changesAtBegin = changesAtCheck = totalChanges();
  }

  @Override
  public void afterAutoCommitStatement() throws SQLException {
    long changes = totalChanges();
    changesAtBegin = changes;
    if (changes - changesAtCheck < checkEvery) {
      return;
    }
    // The application's statement has committed and must not wait on another writer for Lattice's bookkeeping.
    int busyTimeout = c.getBusyTimeout();
    c.setBusyTimeout(0);
    try {
      settle();
    } catch (SQLException e) {
      if (!isBusy(e)) { // busy: another connection is writing; the log stays pending and folds later
        warnNotFolded(e);
      }
    } finally {
      c.setBusyTimeout(busyTimeout);
    }
  }

  @Override
  public void transactionBegins() throws SQLException {
    changesAtBegin = totalChanges();
  }

  @Override
  public void beforeCommit() throws SQLException {
    if (schemaChanged) {
      SchemaEvolution.follow(c, SchemaEvolution.Mode.COMMIT, SchemaEvolution.Lifted.NONE);
      schemaChanged = false;
    }
    long changes = totalChanges();
    if (changes == changesAtBegin || (!schemaStale && changes - changesAtCheck < checkEvery)) {
      return; // a transaction that wrote nothing holds no write lock: Lattice must not take one in it
    }
    try {
      settle(); // in a savepoint: a failure undoes Lattice's work and leaves the application's
    } catch (SQLException e) {
      warnNotFolded(e); // the application's transaction is whole and commits; the log folds at a later commit
    }
  }

  @Override
  public void afterCommit() throws SQLException {
    changesAtBegin = totalChanges();
  }

  @Override
  public void afterRollback() throws SQLException {
    schemaChanged = false;
    changesAtBegin = totalChanges();
  }

  /** Follows a schema change made elsewhere, if one is waiting, and folds the log if it has grown long enough. */
  private void settle() throws SQLException {
    if (schemaStale) {
      SchemaEvolution.followIfChanged(c);
      schemaStale = false;
    }
    changesAtCheck = totalChanges();
    if (options.foldThreshold() > 0 && enabled() && LogFold.pending(c) >= options.foldThreshold()) {
      LogFold.fold(c);
    }
  }

  private void warnNotFolded(SQLException e) {
    warn(new SQLWarning("the transaction committed, but folding the capture log with it failed: " + e.getMessage()
        + ". Nothing is lost: the log stays pending and is folded at a later commit or read through the replica API",
        e.getSQLState(), e.getErrorCode(), e));
  }

  @Override
  public <T> T changingSchema(boolean alters, Statement<T> statement) throws SQLException {
    if (!enabled()) {
      return statement.run();
    }
    if (!c.getAutoCommit()) {
      Transactions.lockForWrite(c);
    }
    return Transactions.write(c, "lattice_schema_change", () -> {
      SchemaEvolution.Lifted lifted = alters ? SchemaEvolution.lift(c) : SchemaEvolution.Lifted.NONE;
      T result = statement.run();
      followAfter(alters, lifted);
      return result;
    });
  }

  private void followAfter(boolean alters, SchemaEvolution.Lifted lifted) throws SQLException {
    if (c.getAutoCommit()) {
      SchemaEvolution.follow(c, SchemaEvolution.Mode.COMMIT, lifted);
      return;
    }
    if (alters) {
      SchemaEvolution.follow(c, SchemaEvolution.Mode.STATEMENT, lifted);
    }
    schemaChanged = true;
  }

  /**
   * The count less the capture log rows the statement appended, found from the log's newest sequence number before
   * and after it. Both are read holding the write lock, so that no other writer's rows fall between: in auto-commit
   * mode the statement runs in a transaction of this method's ({@code BEGIN IMMEDIATE}), committed even if it fails,
   * so that what a multi-statement string did before the failure stays, as in auto-commit mode; in the application's
   * transaction the lock is taken first if the transaction has not written yet.
   */
  @Override
  public long countingApplicationRows(boolean mayWrap, Statement<Long> statement) throws SQLException {
    boolean own = c.getAutoCommit();
    if (!enabled() || (own && !mayWrap)) {
      return statement.run();
    }
    if (own) {
      Sql.exec(c, "BEGIN IMMEDIATE");
    } else if (totalChanges() == changesAtBegin) {
      Transactions.lockForWrite(c);
    }
    long count;
    try {
      long before = LogFold.lastSeq(c);
      count = statement.run() - (LogFold.lastSeq(c) - before);
    } catch (SQLException | RuntimeException e) {
      if (own) {
        endOwn(e);
      }
      throw e;
    }
    if (own) {
      endOwn(null);
    }
    return count;
  }

  /** Commits the transaction {@link #countingApplicationRows} began, unless the SQL already ended it. */
  private void endOwn(Exception failure) throws SQLException {
    try {
      Sql.exec(c, "COMMIT");
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("no transaction is active")) {
        return;
      }
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  @Override
  public void changesViewNeeded() throws SQLException {
    if (!enabled()) {
      return;
    }
    long cookie = Sql.oneLong(c, "PRAGMA schema_version");
    if (cookie != changesViewMadeAt || !ChangesView.exists(c)) {
      ChangesView.rebuild(c, TrackedTables.all(c).values());
      changesViewMadeAt = cookie;
    }
  }

  /**
   * Whether Lattice's tables exist, as far as this connection's schema knows: found by preparing a statement, which
   * opens no transaction, so that it can be asked inside the application's transaction before it has taken a lock.
   */
  private boolean enabled() {
    return enabled || (enabled = LatticeSchema.knownTo(c));
  }

  private long totalChanges() throws SQLException {
    return c.getDatabase().total_changes();
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
  public MergeSession mergeSession() {
    if (mergeSession == null) {
      mergeSession = new MergeSession(c);
    }
    return mergeSession;
  }

  @Override
  public void close() {
    warnings = null;
    if (mergeSession != null) {
      try {
        mergeSession.close();
      } catch (SQLException e) {
        // Its statements belong to the raw connection, which is closed next and finalizes them anyway.
      }
      mergeSession = null;
    }
  }
}
