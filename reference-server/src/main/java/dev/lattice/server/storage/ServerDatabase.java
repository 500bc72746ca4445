package dev.lattice.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The server's database, through a HikariCP pool: an embedded SQLite file ({@link #openSqlite}) or PostgreSQL
 * ({@link #openPostgres}), which several server instances may share. The accounts (spaces, devices, invites, pairing
 * codes) live here; on PostgreSQL the relay's tables too, on the same pool ({@link #dataSource()}). Callers hand it
 * {@link SqlWork}: {@link #read} on an autocommit connection, {@link #write} in one transaction, committed if the work
 * returns and rolled back if it throws.
 *
 * <p>SQLite connections are set up for a server: WAL, so readers never wait for the writer; a write transaction takes
 * SQLite's write lock when it begins ({@code BEGIN IMMEDIATE}), so two writers queue on the busy timeout instead of
 * failing when a read lock cannot be upgraded; foreign keys enforced; full sync, so what was answered survives a power
 * cut. PostgreSQL transactions are READ COMMITTED: work that must not interleave with another instance's takes a row
 * or advisory lock itself (see {@link Dialect}).
 */
public final class ServerDatabase implements AutoCloseable {
  /** SQLite has one writer at a time: a few connections serve concurrent readers, more would only wait. */
  private static final int SQLITE_POOL_SIZE = 4;
  /** PostgreSQL serves writers side by side: requests need not queue for one connection. */
  private static final int POSTGRES_POOL_SIZE = 10;
  private static final int POSTGRES_MIN_IDLE = 2;
  /** A request waits for a connection about as long as for SQLite's write lock, not Hikari's default 30 s. */
  private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final ClusterFeed feed;

  private ServerDatabase(HikariDataSource pool, Dialect dialect, ClusterFeed feed) {
    this.pool = pool;
    this.dialect = dialect;
    this.feed = feed;
  }

  /**
   * Opens (creating it and its directory if needed) the SQLite database at {@code file}.
   *
   * @throws StorageException if the directory cannot be made or the file not opened
   */
  public static ServerDatabase openSqlite(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StorageException("cannot create the data directory for " + file + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("lattice-server-db");
    config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
    config.setMaximumPoolSize(SQLITE_POOL_SIZE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    // sqlite-jdbc reads these as pragmas for every connection it opens.
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    HikariDataSource pool = pool(config, "the server database " + file);
    return new ServerDatabase(pool, Dialect.SQLITE, ClusterFeed.none());
  }

  /**
   * Opens the PostgreSQL database at {@code jdbcUrl} and starts listening to the other instances that share it
   * ({@link #feed()}).
   *
   * @param jdbcUrl {@code jdbc:postgresql://host:port/database}, with any of the driver's parameters
   * @param user the role to connect as, or null to take it from the URL (or the driver's defaults)
   * @param password its password, or null to take it from the URL
   * @throws StorageException if the database cannot be reached or LISTEN is refused
   */
  public static ServerDatabase openPostgres(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    HikariConfig config = new HikariConfig();
    config.setPoolName("lattice-server-db");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(POSTGRES_POOL_SIZE);
    // Few idle connections: every instance's pool counts against the database's max_connections (100 by default).
    config.setMinimumIdle(POSTGRES_MIN_IDLE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    // The URL may carry a password: name the database by host and path only.
    HikariDataSource pool = pool(config, "the PostgreSQL database " + withoutParameters(jdbcUrl));
    Properties credentials = new Properties();
    if (user != null) {
      credentials.setProperty("user", user);
    }
    if (password != null) {
      credentials.setProperty("password", password);
    }
    try {
      ClusterFeed feed = ClusterFeed.postgres(() -> DriverManager.getConnection(jdbcUrl, credentials));
      return new ServerDatabase(pool, Dialect.POSTGRES, feed);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new StorageException("cannot listen to the other server instances on " + withoutParameters(jdbcUrl)
          + ": " + e.getMessage(), e);
    }
  }

  private static HikariDataSource pool(HikariConfig config, String what) {
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) { // Hikari wraps what the driver failed with in its own unchecked exception
      throw new StorageException("cannot open " + what + ": " + e.getMessage(), e);
    }
  }

  /** {@code jdbc:postgresql://host/db?password=x} without its parameters, for messages. */
  private static String withoutParameters(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }

  /** Which SQL this database speaks. */
  public Dialect dialect() {
    return dialect;
  }

  /** The pool, for the relay's tables when they live in this database. Closing the database closes it. */
  public DataSource dataSource() {
    return pool;
  }

  /** How the instances sharing this database hear of each other's commits; {@link ClusterFeed#none()} on SQLite. */
  public ClusterFeed feed() {
    return feed;
  }

  /** Runs {@code work} on a connection in autocommit mode. */
  public <T> T read(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StorageException("the server database failed: " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one transaction: all of it is stored, or none of it if it throws. */
  public <T> T write(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollBack(c, e);
        throw e;
      }
      // Hikari restores autocommit when the connection goes back to the pool.
    } catch (SQLException e) {
      throw new StorageException("the server database failed: " + e.getMessage(), e);
    }
  }

  /** Whether the database answers a trivial query now: the readiness half of the health check. */
  public boolean isReachable() {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      return s.executeQuery("SELECT 1").next();
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Stops the feed and closes every connection; afterwards every call fails and {@link #isReachable()} is false. */
  @Override
  public void close() {
    try {
      feed.close();
    } finally {
      pool.close();
    }
  }

  private static void rollBack(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
