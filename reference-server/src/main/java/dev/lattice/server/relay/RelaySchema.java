package dev.lattice.server.relay;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The relay's tables. Envelopes are kept exactly as devices sealed them, with the metadata in the clear that merging,
 * streaming and the tree need; nothing else about a space is known here.
 *
 * <ul>
 *   <li>{@code relay_spaces}: per space, the relay's own site id, the schema fingerprint and key parameters adopted
 *       from the first device (with its key check, which only devices can verify);
 *   <li>{@code relay_rows}: the winning row-cell envelope of every row (its causal length says whether it is alive);
 *   <li>{@code relay_cells}: the winning envelope of every column of a live row, and every site's latest contribution
 *       to a counter (one line per contributor; {@code contributor} is empty for columns);
 *   <li>{@code relay_vv}: the version vector, advanced by the {@code covers} of the batches stored.
 * </ul>
 */
final class RelaySchema {
  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS relay_spaces(space TEXT PRIMARY KEY NOT NULL, site BLOB NOT NULL, schema BLOB,"
        + " keyed INTEGER, key_salt BLOB, key_memory INTEGER, key_iterations INTEGER, key_parallelism INTEGER,"
        + " key_check BLOB)",
    "CREATE TABLE IF NOT EXISTS relay_rows(space TEXT NOT NULL, row BLOB NOT NULL, cl INTEGER NOT NULL,"
        + " hlc INTEGER NOT NULL, site BLOB NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL,"
        + " PRIMARY KEY (space, row)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS relay_rows_by_version ON relay_rows(space, site, seq)",
    "CREATE TABLE IF NOT EXISTS relay_cells(space TEXT NOT NULL, cell BLOB NOT NULL, contributor BLOB NOT NULL,"
        + " row BLOB NOT NULL, kind INTEGER NOT NULL, cl INTEGER NOT NULL, hlc INTEGER NOT NULL, site BLOB NOT NULL,"
        + " seq INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (space, cell, contributor)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS relay_cells_by_version ON relay_cells(space, site, seq)",
    "CREATE INDEX IF NOT EXISTS relay_cells_by_row ON relay_cells(space, row)",
    "CREATE TABLE IF NOT EXISTS relay_vv(space TEXT NOT NULL, site BLOB NOT NULL, seq INTEGER NOT NULL,"
        + " PRIMARY KEY (space, site)) WITHOUT ROWID",
  };

  private RelaySchema() {}

  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
  }
}
