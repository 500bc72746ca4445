package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code spaces}: one row per space, by its random id. */
final class SpacesTable {
  private SpacesTable() {}

  static void create(Connection c, Dialect dialect) throws SQLException {
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

  /**
   * Inside a write transaction: whether the space exists, and if so, holds it until the transaction ends, so that no
   * other transaction changes the space's invite, codes or devices meanwhile, on any instance. PostgreSQL locks the
   * space's row; SQLite's write transaction already excludes every other writer.
   */
  static boolean lock(Connection c, Dialect dialect, String id) throws SQLException {
    String sql = "SELECT 1 FROM spaces WHERE id = ?" + (dialect == Dialect.POSTGRES ? " FOR UPDATE" : "");
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}
