package dev.lattice.driver.capture;

import dev.lattice.driver.SqlStates;
import java.sql.SQLException;

/** A table Lattice refuses to track, with the reason and the fix. SQLState 42000 (syntax error or access rule). */
public final class UntrackableTableException extends SQLException {
  private final String table;
  private final String reason;
  private final String fix;

  UntrackableTableException(String table, String reason, String fix) {
    super("cannot track table " + table + ": " + reason + ". Fix: " + fix + ".", SqlStates.ACCESS_RULE_VIOLATION);
    this.table = table;
    this.reason = reason;
    this.fix = fix;
  }

  /** The table that was refused. */
  public String table() {
    return table;
  }

  /** Why it was refused, as a phrase ("it has no PRIMARY KEY, ..."). */
  public String reason() {
    return reason;
  }

  /** What to do about it, as a phrase ("rebuild the table with a PRIMARY KEY column, ..."). */
  public String fix() {
    return fix;
  }
}
