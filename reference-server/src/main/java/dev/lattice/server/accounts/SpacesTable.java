package dev.lattice.server.accounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code spaces}: one row per space, by its random id. */
final class SpacesTable {
  private SpacesTable() {}

  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS spaces ("
          + "id TEXT PRIMARY KEY NOT NULL, "
          + "name TEXT, "
          + "created_at BIGINT NOT NULL)");
    }
  }

  static void insert(Connection c, String id, String name, long createdAtMillis) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO spaces (id, name, created_at) VALUES (?, ?, ?)")) {
      p.setString(1, id);
      p.setString(2, name);
      p.setLong(3, createdAtMillis);
      p.executeUpdate();
    }
  }

  static boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM spaces WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}
