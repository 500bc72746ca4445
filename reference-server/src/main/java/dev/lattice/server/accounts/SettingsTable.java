package dev.lattice.server.accounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code server_settings}: the server's own named values, such as the admin token's hash. */
final class SettingsTable {
  private SettingsTable() {}

  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS server_settings ("
          + "name TEXT PRIMARY KEY NOT NULL, "
          + "value BLOB NOT NULL)");
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
}
