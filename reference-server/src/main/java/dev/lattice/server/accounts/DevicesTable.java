package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** {@code devices}: the devices of each space, their token hashes, and when they joined and were revoked. */
final class DevicesTable {
  /** A stored device; {@code revokedAtMillis} is null while it is active. */
  record Row(String id, String name, byte[] tokenHash, long joinedAtMillis, Long revokedAtMillis) {}

  private DevicesTable() {}

  static void create(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      // Keyed by space first: listing a space's devices reads one range of the key.
      s.execute("CREATE TABLE IF NOT EXISTS devices ("
          + "space_id TEXT NOT NULL REFERENCES spaces (id), "
          + "id TEXT NOT NULL, "
          + "name TEXT, "
          + "token_hash " + dialect.blob() + " NOT NULL, "
          + "joined_at BIGINT NOT NULL, "
          + "revoked_at BIGINT, "
          + "PRIMARY KEY (space_id, id))");
    }
  }

  static void insert(Connection c, String spaceId, String id, String name, byte[] tokenHash, long joinedAtMillis)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO devices (space_id, id, name, token_hash, joined_at) "
        + "VALUES (?, ?, ?, ?, ?)")) {
      p.setString(1, spaceId);
      p.setString(2, id);
      if (name == null) {
        p.setNull(3, Types.VARCHAR);
      } else {
        p.setString(3, name);
      }
      p.setBytes(4, tokenHash);
      p.setLong(5, joinedAtMillis);
      p.executeUpdate();
    }
  }

  /** The device, or null. */
  static Row find(Connection c, String spaceId, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT id, name, token_hash, joined_at, revoked_at FROM devices "
        + "WHERE space_id = ? AND id = ?")) {
      p.setString(1, spaceId);
      p.setString(2, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? row(r) : null;
      }
    }
  }

  /** Every device of the space, revoked ones too, in the order they joined. */
  static List<Row> list(Connection c, String spaceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT id, name, token_hash, joined_at, revoked_at FROM devices "
        + "WHERE space_id = ? ORDER BY joined_at, id")) {
      p.setString(1, spaceId);
      try (ResultSet r = p.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(row(r));
        }
        return rows;
      }
    }
  }

  /** Marks the device revoked; false if there is no such active device. */
  static boolean revoke(Connection c, String spaceId, String id, long atMillis) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE devices SET revoked_at = ? "
        + "WHERE space_id = ? AND id = ? AND revoked_at IS NULL")) {
      p.setLong(1, atMillis);
      p.setString(2, spaceId);
      p.setString(3, id);
      return p.executeUpdate() == 1;
    }
  }

  private static Row row(ResultSet r) throws SQLException {
    long revokedAt = r.getLong(5);
    Long revoked = r.wasNull() ? null : revokedAt; // wasNull speaks of the last column read: ask at once
    return new Row(r.getString(1), r.getString(2), r.getBytes(3), r.getLong(4), revoked);
  }
}
