package dev.lattice.server.relay;

import dev.lattice.server.storage.Dialect;
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
 *   <li>{@code relay_vv}: the version vector, advanced by the {@code covers} of the batches stored;
 *   <li>{@code relay_schema_details}: per space, the sealed description of its schema sent by the device that last
 *       migrated it, passed on to devices that have not migrated yet so they can say what differs;
 *   <li>{@code relay_peer_vectors}: per space and device ({@code peer}: its device id, or {@code site:<hex>} when the
 *       transport did not say), the version vector of its last hello: what it held then;
 *   <li>{@code relay_stable}: per space, the stable point: a vector every device of the space holds (the pointwise
 *       minimum of their last hellos, capped at {@code relay_vv}), which only rises. Tombstones at or below it are
 *       dropped, and a row's versions at or below it are not taken back (see {@link RelayStable}).
 * </ul>
 */
final class RelaySchema {
  private RelaySchema() {}

  /** Creates the tables where missing, in one transaction that instances starting together take turns at. */
  static void create(Connection c, Dialect dialect) throws SQLException {
    String blob = dialect.blob();
    String integer = dialect.integer();
    String clustered = dialect == Dialect.POSTGRES ? "" : " WITHOUT ROWID";
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
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      dialect.lockSchema(c);
      for (String statement : ddl) {
        s.execute(statement);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
