package dev.lattice.server.relay;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's storage: the envelopes of every space in one SQL database, embedded SQLite or PostgreSQL, through a
 * HikariCP pool. Opening it creates the tables. With PostgreSQL, several server instances share the database: each
 * instance hears the others' commits ({@link CommitFeed}), so its trees stay true and its live devices are told.
 */
public final class RelayDatabase implements AutoCloseable {
  private final HikariDataSource pool;
  private final Dialect dialect;
  private final Clock clock;
  private final Map<String, RelayStore> spaces = new ConcurrentHashMap<>();
  private final CommitFeed feed;
  /** Tells this instance's notices from the others': it already knows of its own commits. */
  private final String instance = java.util.UUID.randomUUID().toString();

  private RelayDatabase(HikariDataSource pool, Dialect dialect, Clock clock, String jdbcUrl) throws SQLException {
    this.pool = pool;
    this.dialect = dialect;
    this.clock = clock;
    try (Connection c = pool.getConnection()) {
      RelaySchema.create(c, dialect);
    }
    this.feed = dialect == Dialect.POSTGRES ? CommitFeed.postgres(pool, this::committedElsewhere) : CommitFeed.none();
  }

  /** Opens (creating it and its directory if needed) an embedded SQLite relay database at {@code file}. */
  public static RelayDatabase openSqlite(Path file) throws SQLException {
    return openSqlite(file, Clock.systemUTC());
  }

  /** As {@link #openSqlite(Path)}, judging incoming clocks against {@code clock}. */
  public static RelayDatabase openSqlite(Path file, Clock clock) throws SQLException {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create the directory of " + file + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("lattice-relay");
    config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
    config.setMaximumPoolSize(4); // one writer at a time in SQLite; a few readers beside it
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL"); // an acknowledged batch survives a power cut
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("transaction_mode", "IMMEDIATE"); // writers queue instead of failing to upgrade
    return open(config, Dialect.SQLITE, clock);
  }

  /** Opens the relay tables in the PostgreSQL database at {@code jdbcUrl}, creating them if needed. */
  public static RelayDatabase openPostgres(String jdbcUrl, String user, String password) throws SQLException {
    return openPostgres(jdbcUrl, user, password, Clock.systemUTC());
  }

  /** As {@link #openPostgres(String, String, String)}, judging incoming clocks against {@code clock}. */
  public static RelayDatabase openPostgres(String jdbcUrl, String user, String password, Clock clock)
      throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("lattice-relay");
    config.setJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(10);
    config.setConnectionTimeout(10_000);
    return open(config, Dialect.POSTGRES, clock);
  }

  private static RelayDatabase open(HikariConfig config, Dialect dialect, Clock clock) throws SQLException {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) { // Hikari wraps what the driver failed with
      throw new SQLException("cannot open the relay database " + config.getJdbcUrl() + ": " + e.getMessage(), e);
    }
    try {
      return new RelayDatabase(pool, dialect, clock, config.getJdbcUrl());
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The store of one space, created on first use; the same instance on every call. */
  public RelayStore space(String spaceId) {
    return spaces.computeIfAbsent(Objects.requireNonNull(spaceId, "spaceId"), id -> new RelayStore(this, id));
  }

  /** Whether the database answers: for a health check. */
  public boolean isReachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  Dialect dialect() {
    return dialect;
  }

  Clock clock() {
    return clock;
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Tells the other instances that {@code space} changed; inside the committing transaction. */
  void announce(Connection c, String space) throws SQLException {
    feed.announce(c, instance + " " + space);
  }

  /** A notice from the feed: {@code "<instance> <space>"}, or null when notices may have been missed. */
  private void committedElsewhere(String notice) {
    if (notice == null) {
      spaces.values().forEach(RelayStore::changedElsewhere);
      return;
    }
    int blank = notice.indexOf(' ');
    if (blank < 0 || notice.substring(0, blank).equals(instance)) {
      return;
    }
    RelayStore store = spaces.get(notice.substring(blank + 1));
    if (store != null) {
      store.changedElsewhere();
    }
  }

  @Override
  public void close() {
    feed.close();
    pool.close();
  }
}
