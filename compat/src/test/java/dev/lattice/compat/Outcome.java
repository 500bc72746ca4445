package dev.lattice.compat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/**
 * What a call did, in a form two runs can be compared by: its value, or the exception it threw (class, SQLState,
 * vendor error code, sqlite-jdbc's extended result code, message; for a batch, the update counts). Paths are left out
 * of messages, since the two runs use two directories.
 */
public record Outcome(Object value, String failure) {
  private static final String TEMP = Pattern.quote(System.getProperty("java.io.tmpdir"));

  /** An action that may throw anything. */
  @FunctionalInterface
  public interface Action {
    Object run() throws Exception;
  }

  public static Outcome of(Action action) {
    try {
      return new Outcome(Db.comparable(action.run()), null);
    } catch (Exception e) {
      return failed(e);
    }
  }

  private static Outcome failed(Throwable e) {
    return new Outcome(null, describe(e));
  }

  /** The exception as the application sees it: what a framework classifies it by, and its message. */
  public static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(e.getClass().getName());
    if (e instanceof SQLException sql) {
      s.append(" sqlState=").append(sql.getSQLState()).append(" errorCode=").append(sql.getErrorCode());
    }
    if (e instanceof SQLiteException sqlite) {
      s.append(" resultCode=").append(sqlite.getResultCode());
    }
    if (e instanceof BatchUpdateException batch) {
      s.append(" updateCounts=").append(Arrays.toString(batch.getUpdateCounts()));
    }
    s.append(": ").append(Objects.toString(e.getMessage(), "").replaceAll(TEMP + "[^ '\"]*/", "<dir>/"));
    return s.toString();
  }

  public boolean failed() {
    return failure != null;
  }

  @Override
  public String toString() {
    return failed() ? "threw " + failure : "returned " + value;
  }
}
