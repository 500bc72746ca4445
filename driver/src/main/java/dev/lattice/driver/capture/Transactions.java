package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs Lattice's own writes atomically, inside the caller's transaction if there is one. */
final class Transactions {
  private Transactions() {}

  /** Work that writes through a connection. */
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} atomically. Outside a transaction it takes the write lock up front ({@code BEGIN IMMEDIATE}):
   * a deferred transaction that reads and then writes fails with SQLITE_BUSY_SNAPSHOT in WAL mode if another
   * connection committed in between, and no busy timeout can cure that. Inside the caller's transaction it uses a
   * savepoint, so a failure undoes Lattice's writes and leaves the caller's own. sqlite-jdbc does not expose
   * {@code sqlite3_get_autocommit}, and its auto-commit flag does not see a transaction begun in SQL (as Lattice's own
   * nested calls do), so SQLite's refusal to nest {@code BEGIN} is what tells.
   */
  static <T> T write(Connection c, String name, Work<T> work) throws SQLException {
    boolean own = c.getAutoCommit() && begin(c);
    if (!own) {
      Sql.exec(c, "SAVEPOINT " + name);
    }
    T result;
    try {
      result = work.run();
    } catch (SQLException | RuntimeException e) {
      try {
        Sql.exec(c, own ? "ROLLBACK" : "ROLLBACK TO " + name + "; RELEASE " + name);
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    Sql.exec(c, own ? "COMMIT" : "RELEASE " + name);
    return result;
  }

  /**
   * Takes the write lock for the caller's transaction before Lattice reads anything in it, waiting out the busy
   * timeout as SQLite does for the application's own first write. Reading first would pin a snapshot, and a write
   * after it fails at once with SQLITE_BUSY while another connection writes, or with SQLITE_BUSY_SNAPSHOT once it has
   * committed. A write statement that changes nothing takes the lock; only for a database Lattice enabled.
   */
  static void lockForWrite(Connection c) throws SQLException {
    Sql.exec(c, "UPDATE main.lattice_meta SET value = value WHERE 0");
  }

  /**
   * Starts a read transaction for a consistent snapshot, unless one is open; returns whether it started one (and so
   * must end it).
   */
  static boolean beginRead(Connection c) throws SQLException {
    return c.getAutoCommit() && begin(c, "BEGIN");
  }

  private static boolean begin(Connection c) throws SQLException {
    return begin(c, "BEGIN IMMEDIATE");
  }

  private static boolean begin(Connection c, String begin) throws SQLException {
    try {
      Sql.exec(c, begin);
      return true;
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("within a transaction")) {
        return false;
      }
      throw e;
    }
  }
}
