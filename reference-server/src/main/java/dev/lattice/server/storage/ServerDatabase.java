package dev.lattice.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The server's own database (accounts: spaces, devices, invites, pairing codes): an embedded SQLite file through a
 * HikariCP pool. Callers hand it {@link SqlWork}: {@link #read} on an autocommit connection, {@link #write} in one
 * transaction, committed if the work returns and rolled back if it throws.
 *
 * <p>Connections are set up for a server: WAL, so readers never wait for the writer; a write transaction takes
 * SQLite's write lock when it begins ({@code BEGIN IMMEDIATE}), so two writers queue on the busy timeout instead of
 * failing when a read lock cannot be upgraded; foreign keys enforced; full sync, so what was answered survives a power
 * cut.
 */
public final class ServerDatabase implements AutoCloseable {
  /** SQLite has one writer at a time: a few connections serve concurrent readers, more would only wait. */
  private static final int POOL_SIZE = 4;

  private final HikariDataSource pool;

  private ServerDatabase(HikariDataSource pool) {
    this.pool = pool;
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
    config.setMaximumPoolSize(POOL_SIZE);
    // A request waits for a connection about as long as for SQLite's write lock, not Hikari's default 30 s.
    config.setConnectionTimeout(10_000);
    // sqlite-jdbc reads these as pragmas for every connection it opens.
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    try {
      return new ServerDatabase(new HikariDataSource(config));
    } catch (RuntimeException e) { // Hikari wraps what the driver failed with in its own unchecked exception
      throw new StorageException("cannot open the server database " + file + ": " + e.getMessage(), e);
    }
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

  /** Closes every connection; afterwards every call fails and {@link #isReachable()} is false. */
  @Override
  public void close() {
    pool.close();
  }

  private static void rollBack(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
