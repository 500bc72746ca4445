package dev.lattice.driver;

import java.sql.SQLException;

/**
 * Changes to send were asked for while rows inserted here into numbered tables are not numbered for sync yet: they
 * would reach peers under numbers another device may have used too. Settle them ({@link Replica#settle}) and read
 * again. SQLState 55000 (object not in prerequisite state).
 */
public final class UnsettledRowsException extends SQLException {
  private final long rows;

  /** Thrown by the driver: {@code rows} rows wait. */
  public UnsettledRowsException(long rows) {
    super("cannot read changes to send: " + rows + " row" + (rows == 1 ? " was" : "s were") + " inserted here into"
        + " numbered tables and " + (rows == 1 ? "is" : "are") + " not numbered for sync yet. Fix: settle them first"
        + " (Replica.settle with the space's number source), then read again",
        SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE);
    this.rows = rows;
  }

  /** How many rows wait to be settled. */
  public long rows() {
    return rows;
  }
}
