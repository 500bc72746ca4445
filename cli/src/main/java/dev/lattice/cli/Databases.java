package dev.lattice.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opening the database files commands are given. A command never creates a database by opening it (SQLite would
 * create an empty file for a mistyped path), so a missing file is refused first, by name.
 */
final class Databases {
  private Databases() {}

  /**
   * A {@code jdbc:lattice:} connection to the existing database {@code file}: WAL and a 10 s busy timeout by default,
   * so that the command waits for the application's writers rather than fail.
   */
  static Connection open(Path file) throws SQLException {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailure("no database at " + file + ": check the path");
    }
    return DriverManager.getConnection(url(file));
  }

  /** As {@link #open}, and refused unless Lattice was enabled on the database. */
  static Connection openReplica(Path file) throws SQLException {
    Connection c = open(file);
    try {
      requireReplica(c, file);
      return c;
    } catch (RuntimeException | SQLException e) {
      c.close();
      throw e;
    }
  }

  static String url(Path file) {
    return "jdbc:lattice:sqlite:" + file;
  }

  /** Refuses a database without Lattice's metadata, saying how to enable it. */
  static void requireReplica(Connection c, Path file) throws SQLException {
    if (!isReplica(c)) {
      throw new CommandFailure(file + " is not a Lattice replica (no lattice_meta table): enable it first, for"
          + " example with lattice enable " + file + " --all");
    }
  }

  static boolean isReplica(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'lattice_meta'")) {
      return r.next();
    }
  }

  /** The number of rows in {@code table}. */
  static long rowCount(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /** The first column of the first row of {@code sql} as a long, 0 when there is none. */
  static long oneLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /** A size for people: 812 B, 15.2 KiB, 3.4 MiB. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
