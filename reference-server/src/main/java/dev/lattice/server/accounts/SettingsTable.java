package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code server_settings}: the server's own named values, such as the schema version and the admin token's hash. */
final class SettingsTable {
  private SettingsTable() {}

  static void create(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS server_settings ("
          + "name TEXT PRIMARY KEY NOT NULL, "
          + "value " + dialect.blob() + " NOT NULL)");
    }
  }

  /** The value stored under {@code name}, or null. */
  static byte[] get(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM server_settings WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getBytes(1) : null;
      }
    }
  }

  /** Stores {@code value} under {@code name}, replacing what was there. */
  static void put(Connection c, String name, byte[] value) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO server_settings (name, value) VALUES (?, ?) "
        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      p.setString(1, name);
      p.setBytes(2, value);
      p.executeUpdate();
    }
  }

  /**
   * Stores {@code value} under {@code name} unless a value is there already; true if it was stored. Two instances
   * doing this at once cannot both win: PostgreSQL makes the second wait for the first's row, then skips.
   */
  static boolean putIfAbsent(Connection c, String name, byte[] value) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO server_settings (name, value) VALUES (?, ?) "
        + "ON CONFLICT (name) DO NOTHING")) {
      p.setString(1, name);
      p.setBytes(2, value);
      return p.executeUpdate() == 1;
    }
  }
}
