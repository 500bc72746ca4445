package dev.lattice.server.relay;

import dev.lattice.server.storage.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * A relay database of the first layout, version 1, as relays wrote it before versions were recorded: the on-disk format
 * is a contract, so the tests open what an earlier server wrote rather than what this one writes.
 *
 * <p>{@code relay-v1.db} (beside this class, in the test resources) was written by {@code RelayDatabase.openSqlite} at
 * commit d6e56bd, the last before versions: a laptop and a phone of one encrypted space ({@value #SPACE}, passphrase
 * {@value #PASSPHRASE}, the {@link Phone} table) synced through it: the laptop inserted a, b and c; the phone synced,
 * added 4 to a's counter and deleted b; the laptop added 10 to a's counter and changed c; phone, laptop, phone synced.
 * It holds rows, cells, counter contributions, a tombstone, vectors and a stable point, and no {@code relay_settings}.
 *
 * <p>On PostgreSQL the same version-1 tables ({@link #createLayout}, kept here verbatim from that commit: not to be
 * edited when {@link RelaySchema} changes) receive the file's rows ({@link #copyRows}).
 */
final class RelayV1Fixture {
  static final String SPACE = "fixture-space";
  static final String PASSPHRASE = "fixture words";
  /** The devices' rows when the file was written, as {@link Phone#rows()} shows them. */
  static final List<String> ROWS = List.of("a|'alpha'|1.5|17", "c|'gamma two'|2.5|NULL");
  /** The relay's tree of the space when the file was written: count and digest. */
  static final String ROOT = "8:cecce5f1b1c532aa98c092d28c2d4f23";

  private static final String RESOURCE = "relay-v1.db";
  private static final List<String> TABLES = List.of("relay_spaces", "relay_rows", "relay_cells", "relay_vv",
      "relay_schema_details", "relay_peer_vectors", "relay_stable");

  private RelayV1Fixture() {}

  /** Writes the version-1 file at {@code file}. */
  static void copyTo(Path file) {
    try (InputStream in = RelayV1Fixture.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the test resources");
      }
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The relay's tables as version 1 created them, in {@code dialect}. */
  static void createLayout(Connection c, Dialect dialect) throws SQLException {
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
    try (Statement s = c.createStatement()) {
      for (String statement : ddl) {
        s.execute(statement);
      }
    }
  }

  /** Copies every row of the version-1 file into {@code target}'s version-1 tables; {@code dir} holds a scratch copy. */
  static void copyRows(Path dir, Connection target) throws SQLException {
    Path scratch = dir.resolve("relay-v1-source.db");
    copyTo(scratch);
    try (Connection source = DriverManager.getConnection("jdbc:sqlite:" + scratch)) {
      for (String table : TABLES) {
        try (Statement s = source.createStatement(); ResultSet rows = s.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData columns = rows.getMetaData();
          StringBuilder names = new StringBuilder();
          StringBuilder marks = new StringBuilder();
          for (int i = 1; i <= columns.getColumnCount(); i++) {
            names.append(i > 1 ? ", " : "").append(columns.getColumnName(i));
            marks.append(i > 1 ? ", " : "").append('?');
          }
          try (PreparedStatement insert = target.prepareStatement("INSERT INTO " + table + " (" + names
              + ") VALUES (" + marks + ")")) {
            while (rows.next()) {
              for (int i = 1; i <= columns.getColumnCount(); i++) {
                Object value = rows.getObject(i);
                if (value == null) {
                  insert.setNull(i, Types.NULL);
                } else {
                  insert.setObject(i, value);
                }
              }
              insert.executeUpdate();
            }
          }
        }
      }
    }
  }
}
