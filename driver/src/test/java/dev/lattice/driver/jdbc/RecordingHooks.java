package dev.lattice.driver.jdbc;

import dev.lattice.driver.capture.ConnectionHooks;
import dev.lattice.driver.capture.MergeSession;
import java.sql.SQLException;
import java.sql.SQLWarning;

/** A stand-in capture engine that counts the calls the JDBC layer makes and hands out the warnings it is given. */
final class RecordingHooks implements ConnectionHooks {
  @Override
  public MergeSession mergeSession() {
    throw new UnsupportedOperationException("these tests merge nothing");
  }

  int autoCommitStatements;
  int commits;
  int closes;
  int schemaStatements;
  int alterStatements;
  int rollbacks;
  int begins;
  int changesViewRequests;
  private SQLWarning pending;

  void raise(String warning) {
    SQLWarning next = new SQLWarning(warning);
    if (pending == null) {
      pending = next;
    } else {
      pending.setNextWarning(next);
    }
  }

  @Override
  public void afterAutoCommitStatement() {
    autoCommitStatements++;
  }

  @Override
  public void afterCommit() {
    commits++;
  }

  @Override
  public void transactionBegins() {
    begins++;
  }

  @Override
  public <T> T changingSchema(boolean alters, Statement<T> statement) throws SQLException {
    schemaStatements++;
    alterStatements += alters ? 1 : 0;
    return statement.run();
  }

  @Override
  public long countingApplicationRows(boolean mayWrap, Statement<Long> statement) throws SQLException {
    return statement.run();
  }

  @Override
  public void changesViewNeeded() {
    changesViewRequests++;
  }

  @Override
  public void beforeCommit() {}

  @Override
  public void afterRollback() {
    rollbacks++;
  }

  @Override
  public SQLWarning takeWarnings() {
    SQLWarning taken = pending;
    pending = null;
    return taken;
  }

  @Override
  public void close() {
    closes++;
  }
}
