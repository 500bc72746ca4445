package dev.lattice.sync.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tracked schema this device last synced under, as {@code TrackedSchema.describe()} wrote it: when the schema
 * changes (a migration), the next hello says what it changed from, so that a relay can move the space along.
 */
final class AgreedSchema {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS lattice_agreed_schema(id INTEGER PRIMARY KEY CHECK"
      + " (id = 1), description TEXT NOT NULL)";

  private AgreedSchema() {}

  /** The description last agreed on, or null if this device never synced. */
  static String read(Connection c) throws SQLException {
    if (!SpaceTables.exists(c, "lattice_agreed_schema")) {
      return null;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT description FROM lattice_agreed_schema WHERE id = 1")) {
      return r.next() ? r.getString(1) : null;
    }
  }

  static void write(Connection c, String description) throws SQLException {
    if (description.equals(read(c))) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(TABLE);
    }
    try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO lattice_agreed_schema(id, description)"
        + " VALUES (1, ?)")) {
      p.setString(1, description);
      p.executeUpdate();
    }
  }
}
