package dev.lattice.driver.capture;

import java.sql.SQLException;

/** A table Lattice refuses to track, with the reason and the fix. SQLState 42000 (syntax error or access rule). */
public final class UntrackableTableException extends SQLException {
  private final String table;

  UntrackableTableException(String table, String reason, String fix) {
    super("cannot track table " + table + ": " + reason + ". Fix: " + fix + ".", "42000");
    this.table = table;
  }

  /** The table that was refused. */
  public String table() {
    return table;
  }
}
