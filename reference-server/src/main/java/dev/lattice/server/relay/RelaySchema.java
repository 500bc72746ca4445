package dev.lattice.server.relay;

import dev.lattice.server.storage.Dialect;
import dev.lattice.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The relay's tables, created or migrated when a relay database opens. Envelopes are kept exactly as devices sealed
 * them, with the metadata in the clear that merging, streaming and the tree need; nothing else about a space is known
 * here.
 *
 * <ul>
 *   <li>{@code relay_spaces}: per space, the relay's own site id, the schema fingerprint and key parameters adopted
 *       from the first device (with its key check, which only devices can verify);
 *   <li>{@code relay_rows}: the winning row-cell envelope of every row (its causal length says whether it is alive);
 *   <li>{@code relay_cells}: the winning envelope of every column of a live row, and every site's latest contribution
 *       to a counter (one line per contributor; {@code contributor} is empty for columns);
 *   <li>{@code relay_vv}: the version vector, advanced by the {@code covers} of the batches stored;
 *   <li>{@code relay_schema_details}: per space, the sealed description of its schema sent by the device that last
 *       migrated it, passed on to devices that have not migrated yet so they can say what differs;
 *   <li>{@code relay_peer_vectors}: per space and device ({@code peer}: its device id, or {@code site:<hex>} when the
 *       transport did not say), the version vector of its last hello: what it held then;
 *   <li>{@code relay_stable}: per space, the stable point: a vector every device of the space holds (the pointwise
 *       minimum of their last hellos, capped at {@code relay_vv}), which only rises. Tombstones at or below it are
 *       dropped, and a row's versions at or below it are not taken back (see {@link RelayStable});
 *   <li>{@code relay_numbers}: per space and counter (an id devices chose, for one numbered table: opaque here), the
 *       last number handed out for rows of numbered tables; it only rises (see {@link RelayNumbers});
 *   <li>{@code relay_settings}: the relay's own named values; {@code schema_version} is the version the tables are at.
 * </ul>
 *
 * <p>Versions, as the accounts' tables have them ({@code AccountsSchema}): each step brings the tables one version
 * further inside the transaction that records the new version, so a failed migration leaves the database as it was,
 * and a database at a version newer than this code knows is refused rather than misread. Version 1 is the layout
 * relays had before versions were recorded: a database without {@code relay_settings} is at version 1, and opening it
 * records that, changing nothing else. Version 2 adds {@code relay_numbers}.
 */
final class RelaySchema {
  /** The version this code reads and writes. */
  static final int VERSION = 2;
  static final String VERSION_SETTING = "schema_version";

  private RelaySchema() {}

  /**
   * Brings the tables to {@link #VERSION}, creating them in an empty database, in one transaction that instances
   * starting together take turns at.
   *
   * @throws StorageException if a newer server made the database: this one would misread it
   */
  static void create(Connection c, Dialect dialect) throws SQLException {
    c.setAutoCommit(false);
    try {
      dialect.lockSchema(c);
      migrate(c, dialect);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void migrate(Connection c, Dialect dialect) throws SQLException {
    createSettings(c, dialect);
    int found = version(c);
    if (found > VERSION) {
      throw new StorageException("the relay database is at schema version " + found + ", made by a newer Lattice"
          + " server; this one knows version " + VERSION + " at most: upgrade this server to the Lattice that wrote it, or a"
          + " newer one");
    }
    if (found < 1) {
      // A relay from before versions were recorded has these tables already (hence IF NOT EXISTS): it is at version
      // 1, and only the version is recorded.
      createVersion1(c, dialect);
    }
    if (found < 2) {
      createVersion2(c, dialect);
    }
    // Version 3's step goes here: if (found < 3) { ... }
    if (found != VERSION) {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_settings (name, value) VALUES (?, ?) "
          + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
        p.setString(1, VERSION_SETTING);
        p.setBytes(2, Integer.toString(VERSION).getBytes(StandardCharsets.US_ASCII));
        p.executeUpdate();
      }
    }
  }

  /** The version recorded; 0 if none was (an empty database, or a relay from before versions were recorded). */
  static int version(Connection c) throws SQLException {
    byte[] stored;
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM relay_settings WHERE name = ?")) {
      p.setString(1, VERSION_SETTING);
      try (ResultSet r = p.executeQuery()) {
        stored = r.next() ? r.getBytes(1) : null;
      }
    }
    if (stored == null) {
      return 0;
    }
    String text = new String(stored, StandardCharsets.US_ASCII);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new StorageException("the relay database's schema version is unreadable: " + text);
    }
  }

  private static void createSettings(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS relay_settings(name TEXT PRIMARY KEY NOT NULL, value " + dialect.blob()
          + " NOT NULL)");
    }
  }

  /** The tables of version 1. */
  private static void createVersion1(Connection c, Dialect dialect) throws SQLException {
    String blob = dialect.blob();
    String integer = dialect.integer();
    String clustered = clustered(dialect);
    String[] ddl = {
      "CREATE TABLE IF NOT EXISTS relay_spaces(space TEXT PRIMARY KEY NOT NULL, site " + blob + " NOT NULL, schema "
          + blob + ", keyed " + integer + ", key_salt " + blob + ", key_memory " + integer + ", key_iterations "
          + integer + ", key_parallelism " + integer + ", key_check " + blob + ")",
      "CREATE TABLE IF NOT EXISTS relay_rows(space TEXT NOT NULL, row " + blob + " NOT NULL, cl " + integer
          + " NOT NULL, hlc " + integer + " NOT NULL, site " + blob + " NOT NULL, seq " + integer + " NOT NULL,"
          + " payload " + blob + " NOT NULL, PRIMARY KEY (space, row))" + clustered,
      "CREATE INDEX IF NOT EXISTS relay_rows_by_version ON relay_rows(space, site, seq)",
      "CREATE TABLE IF NOT EXISTS relay_cells(space TEXT NOT NULL, cell " + blob + " NOT NULL, contributor " + blob
          + " NOT NULL, row " + blob + " NOT NULL, kind " + integer + " NOT NULL, cl " + integer + " NOT NULL, hlc "
          + integer + " NOT NULL, site " + blob + " NOT NULL, seq " + integer + " NOT NULL, payload " + blob
          + " NOT NULL, PRIMARY KEY (space, cell, contributor))" + clustered,
      "CREATE INDEX IF NOT EXISTS relay_cells_by_version ON relay_cells(space, site, seq)",
      "CREATE INDEX IF NOT EXISTS relay_cells_by_row ON relay_cells(space, row)",
      "CREATE TABLE IF NOT EXISTS relay_vv(space TEXT NOT NULL, site " + blob + " NOT NULL, seq " + integer
          + " NOT NULL, PRIMARY KEY (space, site))" + clustered,
      "CREATE TABLE IF NOT EXISTS relay_schema_details(space TEXT PRIMARY KEY NOT NULL, detail " + blob
          + " NOT NULL)",
      "CREATE TABLE IF NOT EXISTS relay_peer_vectors(space TEXT NOT NULL, peer TEXT NOT NULL, site " + blob
          + " NOT NULL, seq " + integer + " NOT NULL, PRIMARY KEY (space, peer, site))" + clustered,
      "CREATE TABLE IF NOT EXISTS relay_stable(space TEXT NOT NULL, site " + blob + " NOT NULL, seq " + integer
          + " NOT NULL, PRIMARY KEY (space, site))" + clustered,
    };
    try (Statement s = c.createStatement()) {
      for (String statement : ddl) {
        s.execute(statement);
      }
    }
  }

  /** Version 2: the counters of numbered tables. */
  private static void createVersion2(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS relay_numbers(space TEXT NOT NULL, counter " + dialect.blob()
          + " NOT NULL, value " + dialect.integer() + " NOT NULL, PRIMARY KEY (space, counter))" + clustered(dialect));
    }
  }

  /** What ends a table keyed by its primary key alone: SQLite's tables are otherwise keyed by a hidden rowid. */
  private static String clustered(Dialect dialect) {
    return dialect == Dialect.POSTGRES ? "" : " WITHOUT ROWID";
  }
}
