package dev.lattice.compat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A plain sqlite-jdbc connection that watches a file without waiting on it ({@code busy_timeout=0}): whether another
 * connection committed ({@code PRAGMA data_version}), holds the write lock, or holds a read snapshot. It is the
 * instrument, the same on both URLs, never the subject.
 */
public final class Observer implements AutoCloseable {
  private final Connection c;

  private Observer(Connection c) {
    this.c = c;
  }

  public static Observer of(Path file) throws SQLException {
    return new Observer(DriverManager.getConnection(Url.PLAIN.of(file, "busy_timeout=0")));
  }

  public static Observer of(Db db) throws SQLException {
    return of(db.file());
  }

  /** Changes whenever another connection commits a write to the file (SQLite's {@code PRAGMA data_version}). */
  public long dataVersion() throws SQLException {
    return single("PRAGMA data_version");
  }

  /** Whether some other connection holds the write lock now. */
  public boolean writeLockHeld() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.execute("ROLLBACK");
      return false;
    } catch (SQLiteException e) {
      if (e.getResultCode().code == SQLiteErrorCode.SQLITE_BUSY.code) {
        return true;
      }
      throw e;
    }
  }

  /**
   * Whether a {@code PRAGMA wal_checkpoint(TRUNCATE)} could not finish at once: some other connection holds a read
   * snapshot (or the write lock).
   */
  public boolean checkpointBlocked() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      r.next();
      return r.getInt(1) != 0;
    } catch (SQLiteException e) {
      if ((e.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code) {
        return true;
      }
      throw e;
    }
  }

  private long single(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
