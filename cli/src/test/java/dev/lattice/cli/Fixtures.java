package dev.lattice.cli;

import dev.lattice.driver.Replica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Real database files for the commands' tests. */
final class Fixtures {
  /** The repository's fixtures/ folder; the build passes its path (see the parent POM). */
  static final Path CHINOOK = Path.of(System.getProperty("lattice.fixtures", "../fixtures"),
      "chinook.sqlite");

  static final String NOTES = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, title TEXT, body TEXT)";

  private Fixtures() {}

  /** A database with {@code notes} tracked and holding {@code rows} rows n0..n(rows-1). */
  static Path notes(Path file, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file)) {
      exec(c, NOTES);
      Replica.of(c).track("notes");
      for (int i = 0; i < rows; i++) {
        exec(c, "INSERT INTO notes VALUES ('n" + i + "', 'title " + i + "', 'body " + i + "')");
      }
    }
    return file;
  }

  static void exec(Path file, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file)) {
      for (String each : sql) {
        exec(c, each);
      }
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Every row of {@code sql}'s result, columns joined with |. */
  static List<String> rows(Path file, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(r.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  static Path copyOfChinook(Path dir) throws Exception {
    if (!Files.exists(CHINOOK)) {
      throw new AssertionError("fixture missing: " + CHINOOK.toAbsolutePath());
    }
    return Files.copy(CHINOOK, dir.resolve("chinook.db"));
  }

  static <T> T withReplica(Path file, SqlFunction<T> f) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:lattice:sqlite:" + file)) {
      return f.apply(Replica.of(c));
    }
  }

  interface SqlFunction<T> {
    T apply(Replica replica) throws SQLException;
  }
}
