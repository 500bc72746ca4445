package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pairing_codes}: codes that let a new device join a space, each made by a device of the space. A code is
 * deleted when used, when it expires, when its maker is revoked, or once it has had too many wrong guesses.
 */
final class PairingCodesTable {
  /** A usable code of a space. */
  record Row(byte[] codeHash, long expiresAtMillis) {}

  private PairingCodesTable() {}

  static void create(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS pairing_codes ("
          + "space_id TEXT NOT NULL REFERENCES spaces (id), "
          + "code_hash " + dialect.blob() + " NOT NULL, "
          + "created_by TEXT NOT NULL, "
          + "created_at BIGINT NOT NULL, "
          + "expires_at BIGINT NOT NULL, "
          + "failures INTEGER NOT NULL DEFAULT 0, "
          + "PRIMARY KEY (space_id, code_hash))");
    }
  }

  static void insert(Connection c, String spaceId, byte[] codeHash, String createdBy, long createdAtMillis,
      long expiresAtMillis) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO pairing_codes "
        + "(space_id, code_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
      p.setString(1, spaceId);
      p.setBytes(2, codeHash);
      p.setString(3, createdBy);
      p.setLong(4, createdAtMillis);
      p.setLong(5, expiresAtMillis);
      p.executeUpdate();
    }
  }

  /** Deletes the space's codes that expired or had {@code maxFailures} wrong guesses. */
  static void deleteSpent(Connection c, String spaceId, long nowMillis, int maxFailures) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM pairing_codes "
        + "WHERE space_id = ? AND (expires_at <= ? OR failures >= ?)")) {
      p.setString(1, spaceId);
      p.setLong(2, nowMillis);
      p.setInt(3, maxFailures);
      p.executeUpdate();
    }
  }

  /** Keeps only the space's {@code keep} newest codes. */
  static void keepNewest(Connection c, String spaceId, int keep) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM pairing_codes WHERE space_id = ? AND code_hash NOT IN "
        + "(SELECT code_hash FROM pairing_codes WHERE space_id = ? ORDER BY created_at DESC LIMIT ?)")) {
      p.setString(1, spaceId);
      p.setString(2, spaceId);
      p.setInt(3, keep);
      p.executeUpdate();
    }
  }

  /** The space's codes (call {@link #deleteSpent} first to leave only usable ones). */
  static List<Row> list(Connection c, String spaceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT code_hash, expires_at FROM pairing_codes "
        + "WHERE space_id = ?")) {
      p.setString(1, spaceId);
      try (ResultSet r = p.executeQuery()) {
        List<Row> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(new Row(r.getBytes(1), r.getLong(2)));
        }
        return rows;
      }
    }
  }

  /** A wrong guess counts against every code of the space: whichever one was being guessed, it is used up. */
  static void countFailure(Connection c, String spaceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE pairing_codes SET failures = failures + 1 "
        + "WHERE space_id = ?")) {
      p.setString(1, spaceId);
      p.executeUpdate();
    }
  }

  static void delete(Connection c, String spaceId, byte[] codeHash) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM pairing_codes WHERE space_id = ? AND code_hash = ?")) {
      p.setString(1, spaceId);
      p.setBytes(2, codeHash);
      p.executeUpdate();
    }
  }

  static void deleteMadeBy(Connection c, String spaceId, String deviceId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM pairing_codes WHERE space_id = ? AND created_by = ?")) {
      p.setString(1, spaceId);
      p.setString(2, deviceId);
      p.executeUpdate();
    }
  }
}
