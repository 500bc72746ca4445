package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code invites}: a space's one pending invite (its hash and expiry), deleted when used or replaced. */
final class InvitesTable {
  /** A stored invite. */
  record Row(byte[] tokenHash, long expiresAtMillis) {}

  private InvitesTable() {}

  static void create(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS invites ("
          + "space_id TEXT PRIMARY KEY NOT NULL REFERENCES spaces (id), "
          + "token_hash " + dialect.blob() + " NOT NULL, "
          + "expires_at BIGINT NOT NULL)");
    }
  }

  /** Makes {@code tokenHash} the space's invite, replacing any earlier one. */
  static void put(Connection c, String spaceId, byte[] tokenHash, long expiresAtMillis) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO invites (space_id, token_hash, expires_at) "
        + "VALUES (?, ?, ?) ON CONFLICT (space_id) DO UPDATE SET token_hash = excluded.token_hash, "
        + "expires_at = excluded.expires_at")) {
      p.setString(1, spaceId);
      p.setBytes(2, tokenHash);
      p.setLong(3, expiresAtMillis);
      p.executeUpdate();
    }
  }

  /** The space's pending invite, or null. */
  static Row find(Connection c, String spaceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT token_hash, expires_at FROM invites WHERE space_id = ?")) {
      p.setString(1, spaceId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? new Row(r.getBytes(1), r.getLong(2)) : null;
      }
    }
  }

  static void delete(Connection c, String spaceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM invites WHERE space_id = ?")) {
      p.setString(1, spaceId);
      p.executeUpdate();
    }
  }
}
