package dev.lattice.server.accounts;

import dev.lattice.server.storage.Dialect;
import dev.lattice.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Creates or migrates the accounts' tables; safe to run at every start, by several instances at once. The version the
 * tables are at is kept in {@code server_settings}; each step brings them one version further, inside the same
 * transaction as the version's update, so a failed migration leaves the database as it was.
 */
final class AccountsSchema {
  /** The version this server's code reads and writes. */
  static final int VERSION = 1;
  static final String VERSION_SETTING = "schema_version";

  private AccountsSchema() {}

  /**
   * Brings the tables to {@link #VERSION}, inside the caller's write transaction.
   *
   * @throws StorageException if a newer server made the database: this one would misread it
   */
  static void migrate(Connection c, Dialect dialect) throws SQLException {
    dialect.lockSchema(c);
    SettingsTable.create(c, dialect);
    int found = version(c);
    if (found > VERSION) {
      throw new StorageException("the server database is at schema version " + found + ", made by a newer Lattice"
          + " server; this one knows version " + VERSION + " at most: run the newer server");
    }
    if (found < 1) {
      // Databases made before the version was recorded have these tables already: hence IF NOT EXISTS.
      SpacesTable.create(c, dialect);
      InvitesTable.create(c, dialect);
      DevicesTable.create(c, dialect);
      PairingCodesTable.create(c, dialect);
    }
    // Version 2's step goes here: if (found < 2) { ... }
    if (found != VERSION) {
      SettingsTable.put(c, VERSION_SETTING, Integer.toString(VERSION).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The version the tables are at; 0 if none was recorded. */
  static int version(Connection c) throws SQLException {
    byte[] stored = SettingsTable.get(c, VERSION_SETTING);
    if (stored == null) {
      return 0;
    }
    try {
      return Integer.parseInt(new String(stored, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new StorageException("the server database's schema version is unreadable: "
          + new String(stored, StandardCharsets.US_ASCII));
    }
  }
}
