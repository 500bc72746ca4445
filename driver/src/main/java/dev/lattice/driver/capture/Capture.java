package dev.lattice.driver.capture;

import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/** Entry point of the capture engine for the JDBC layer. */
public final class Capture {
  private Capture() {}

  /**
   * Prepares a freshly opened sqlite-jdbc connection for Lattice: registers the {@code lattice_*} SQL functions on it,
   * follows schema changes other tools made to tracked tables since Lattice last looked (writing only if there are
   * some), and returns the hooks the wrapper must call.
   */
  public static ConnectionHooks attach(SQLiteConnection raw, CaptureOptions options) throws SQLException {
    CaptureHooks hooks = new CaptureHooks(raw, options);
    SqlFunctions.register(raw, hooks::warn);
    hooks.open();
    return hooks;
  }
}
