package dev.lattice.cli;

import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackCheck;
import dev.lattice.driver.TrackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * What {@code lattice join} tracks in a database before it syncs. The first device of a space brings the data, so a
 * database that tracks nothing yet has all its application tables tracked, as {@code lattice enable --all} would; but
 * unlike enable, which skips a table it cannot track, a join that cannot track every table refuses, before asking the
 * server: the person joining expects their data to sync, and a subset syncing silently would be found out on the
 * second device. Tables chosen with {@code lattice enable --tables} beforehand are left as they are.
 *
 * <p>Everything here is found on a read-only connection, so that a join the server refuses leaves the file exactly
 * as it was (a {@code jdbc:lattice:} connection would switch it to WAL).
 */
final class JoinTables {
  /**
   * @param toTrack the tables to track once the server accepted the join; empty when the database tracks some already
   * @param warnings risks of tracking them, as {@code lattice enable} reports them
   */
  record Plan(List<String> toTrack, List<String> warnings) {}

  private JoinTables() {}

  /** The tables a first device's join will track, or a refusal naming those it cannot and what to do. */
  static Plan forFirstDevice(Path database) throws SQLException {
    if (!Files.isRegularFile(database)) {
      throw new CommandFailure("no database at " + database + ": check the path (the first device of a space brings"
          + " its data; later devices may join with a new file)");
    }
    try (Connection c = readOnly(database)) {
      if (tracksSome(c)) {
        return new Plan(List.of(), List.of());
      }
      Replica replica = Replica.of(c);
      List<String> tables = ApplicationTables.of(c);
      if (tables.isEmpty()) {
        throw new CommandFailure(database + " has no tables to sync: run the application once so that it makes"
            + " them, then join");
      }
      List<String> refused = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      for (String table : tables) {
        TrackCheck check = replica.inspect(table, TrackOptions.DEFAULT);
        if (check.trackable()) {
          warnings.addAll(check.warnings());
        } else {
          refused.add(table + " (" + check.problem() + ")");
        }
      }
      if (!refused.isEmpty()) {
        throw new CommandFailure("nothing was joined: " + String.join(", ", refused) + " cannot be tracked. See why"
            + " and how to fix it with lattice enable " + database + " --dry-run --all, or choose the tables to sync"
            + " with lattice enable " + database + " --tables <a,b>; then join again");
      }
      return new Plan(tables, warnings);
    }
  }

  /**
   * Refuses a file that is there but is not a SQLite database, before a later device's join asks the server; a
   * missing file is fine: the join makes it, once the server accepted.
   */
  static void checkLaterDevice(Path database) throws SQLException {
    if (Files.exists(database)) {
      try (Connection c = readOnly(database)) {
        ApplicationTables.of(c); // reads the schema: a file that is not a database fails here
      } catch (SQLException e) {
        throw new CommandFailure(database + " is not a SQLite database (" + e.getMessage() + "): give the path of"
            + " the application's database, or a new file");
      }
    } else if (database.getParent() != null && !Files.isDirectory(database.toAbsolutePath().getParent())) {
      throw new CommandFailure("no folder " + database.toAbsolutePath().getParent() + " for " + database
          + ": check the path");
    }
  }

  /** Tracks {@code tables} (found trackable by {@link #forFirstDevice}); returns the rows captured. */
  static long track(Connection c, List<String> tables) throws SQLException {
    long captured = 0;
    Replica replica = Replica.of(c);
    for (String table : tables) {
      captured += replica.track(table).rowsCaptured();
    }
    return captured;
  }

  /** From Lattice's catalog directly: the driver's API may write (to follow a schema change), which must not be. */
  private static boolean tracksSome(Connection c) throws SQLException {
    return Databases.oneLong(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'lattice_tables'")
        > 0 && Databases.oneLong(c, "SELECT count(*) FROM lattice_tables WHERE tracked") > 0;
  }

  private static Connection readOnly(Path database) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection("jdbc:sqlite:" + database, config.toProperties());
  }
}
