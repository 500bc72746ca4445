package dev.lattice.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A SQLite file under test, opened through one {@link Url}: what the application does goes through {@link #open},
 * so on LATTICE it goes through the driver. Its tables are tracked on LATTICE only ({@link #track}), as an application
 * adopting Lattice would do after creating them.
 */
public final class Db {
  private final Url url;
  private final Path file;

  private Db(Url url, Path file) {
    this.url = url;
    this.file = file;
  }

  /** A new file {@code app.db} in {@code dir} (created if missing), its schema made through {@code url}. */
  public static Db create(Path dir, Url url, String... ddl) throws SQLException {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Db db = new Db(url, dir.resolve("app.db"));
    db.exec(ddl.length == 0 ? new String[] {"PRAGMA user_version"} : ddl); // the first connection makes the file WAL
    return db;
  }

  public Url url() {
    return url;
  }

  public Path file() {
    return file;
  }

  /** The URL the application opens, with {@code params} ("key=value") added to the suite's file settings. */
  public String urlString(String... params) {
    return url.of(file, params);
  }

  /** A connection as the application opens it. */
  public Connection open(String... params) throws SQLException {
    return DriverManager.getConnection(urlString(params));
  }

  /** On LATTICE, tracks {@code tables} with {@code SELECT lattice_track(...)} through the driver; on PLAIN, nothing. */
  public void track(String... tables) throws SQLException {
    if (!url.isLattice()) {
      return;
    }
    try (Connection c = open(); PreparedStatement track = c.prepareStatement("SELECT lattice_track(?)")) {
      for (String table : tables) {
        track.setString(1, table);
        try (ResultSet report = track.executeQuery()) {
          report.next();
        }
      }
    }
  }

  /** Runs {@code sql} through a connection of the URL under test, in auto-commit mode. */
  public void exec(String... sql) throws SQLException {
    try (Connection c = open(); Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }

  /** Rows of {@code sql}, read through a plain sqlite-jdbc connection (reading must not disturb what is observed). */
  public List<List<Object>> query(String sql, Object... args) throws SQLException {
    try (Connection c = DriverManager.getConnection(Url.PLAIN.of(file))) {
      return rows(c, sql, args);
    }
  }

  /** The single value of {@code sql}, as {@link #query} reads it. */
  public Object value(String sql, Object... args) throws SQLException {
    List<List<Object>> rows = query(sql, args);
    return rows.isEmpty() ? null : rows.get(0).get(0);
  }

  /** Rows of {@code sql} on {@code c}, values made comparable: integers as Long, blobs as hex text. */
  public static List<List<Object>> rows(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        return rows(r);
      }
    }
  }

  /** The remaining rows of {@code r}, values made comparable as in {@link #rows(Connection, String, Object...)}. */
  public static List<List<Object>> rows(ResultSet r) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    int n = r.getMetaData().getColumnCount();
    while (r.next()) {
      List<Object> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        row.add(comparable(r.getObject(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  static Object comparable(Object value) {
    if (value instanceof Integer i) {
      return Long.valueOf(i);
    }
    return value instanceof byte[] b ? "x'" + HexFormat.of().formatHex(b) + "'" : value;
  }

  @Override
  public String toString() {
    return url.of(file);
  }
}
