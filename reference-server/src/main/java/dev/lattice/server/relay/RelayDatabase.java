package dev.lattice.server.relay;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.server.SpaceMembers;
import dev.lattice.server.storage.ClusterFeed;
import dev.lattice.server.storage.Dialect;
import dev.lattice.server.storage.ServerDatabase;
import dev.lattice.server.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * The relay's storage: the envelopes of every space in one SQL database, embedded SQLite or PostgreSQL, through a
 * HikariCP pool. Opening it creates the tables, or brings those of an earlier version to this one in place
 * ({@link RelaySchema}); a database written by a newer server is refused with a {@link StorageException}. With
 * PostgreSQL, several server instances share the database: each instance hears the others' commits (the
 * {@link ClusterFeed}), so its trees stay true and its live devices are told.
 *
 * <p>It opens a pool of its own ({@link #openSqlite}, {@link #openPostgres}), or keeps its tables in the server's
 * database on that database's pool and feed ({@link #in}), as a server on PostgreSQL does.
 */
public final class RelayDatabase implements AutoCloseable {
  /** The cluster feed's topic for commits; the text is the space's id. */
  static final String COMMITTED_TOPIC = "relay";
  /** Threads that act on the other instances' commits; a few, so that one stuck device does not hold up the rest. */
  private static final int ELSEWHERE_THREADS = 4;
  /**
   * SQLite has one writer at a time: one connection, so that writers queue in the pool (handed over at once) rather
   * than in SQLite's busy handler (which sleeps in steps of up to 100 ms).
   */
  private static final int SQLITE_WRITERS = 1;
  /** Readers run beside the writer in WAL mode: enough for the requests a server answers at once. */
  private static final int SQLITE_READERS = 8;

  private final DataSource pool;
  /**
   * Where reads go: on SQLite a pool of its own whose transactions begin deferred, so that a reader never takes the
   * write lock; else {@link #pool}.
   */
  private final DataSource readers;
  private final Dialect dialect;
  private final Clock clock;
  private final ClusterFeed feed;
  private final ClusterFeed.Subscription hearing;
  /** What the relay opened itself and closes with itself; nothing when it lives in the server's database. */
  private final AutoCloseable owned;
  private final Map<String, RelayStore> spaces = new ConcurrentHashMap<>();
  /** The rows this instance wrote last, where it is the only writer; else null. */
  private final RecentRows recentRows;
  private final LongAdder stored = new LongAdder();
  /** Who each space's active devices are, once the server's accounts said; null until then (tests, tools). */
  private volatile SpaceMembers members;
  private volatile Duration deviceVectorsEvery = Duration.ZERO;
  /**
   * Acts on the other instances' commits (drops the space's tree, pushes to its live devices) off the feed's thread:
   * a push waits on a device's socket, and the feed must stay free to deliver revocations at once.
   */
  private final ExecutorService elsewhere = Executors.newFixedThreadPool(ELSEWHERE_THREADS, task -> {
    Thread thread = new Thread(task, "lattice-relay-elsewhere");
    thread.setDaemon(true);
    return thread;
  });

  private RelayDatabase(DataSource pool, DataSource readers, Dialect dialect, ClusterFeed feed, Clock clock,
      AutoCloseable owned) throws SQLException {
    this.pool = pool;
    this.readers = readers;
    this.dialect = dialect;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.feed = feed;
    this.owned = owned;
    this.recentRows = shared() ? null : new RecentRows();
    try (Connection c = pool.getConnection()) {
      RelaySchema.create(c, dialect);
    }
    this.hearing = feed.subscribe(COMMITTED_TOPIC, new ClusterFeed.Listener() {
      @Override
      public void heard(String text) {
        RelayChanges.Notice notice = RelayChanges.parse(text);
        RelayStore store = spaces.get(notice.space());
        if (store != null) {
          changedElsewhere(store, notice.rows());
        }
      }

      @Override
      public void mayHaveMissed() {
        spaces.values().forEach(store -> changedElsewhere(store, null));
      }
    });
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
    HikariDataSource writers;
    try {
      writers = new HikariDataSource(sqliteConfig(file, "lattice-relay", SQLITE_WRITERS, "IMMEDIATE"));
    } catch (RuntimeException e) { // Hikari wraps what the driver failed with
      throw new SQLException("cannot open the relay database " + file + ": " + e.getMessage(), e);
    }
    HikariDataSource readers;
    try {
      readers = new HikariDataSource(sqliteConfig(file, "lattice-relay-readers", SQLITE_READERS, "DEFERRED"));
    } catch (RuntimeException e) {
      writers.close();
      throw new SQLException("cannot open the relay database " + file + ": " + e.getMessage(), e);
    }
    try {
      return new RelayDatabase(writers, readers, Dialect.SQLITE, ClusterFeed.none(), clock, () -> {
        try {
          readers.close();
        } finally {
          writers.close();
        }
      });
    } catch (SQLException | RuntimeException e) {
      readers.close();
      writers.close();
      throw e;
    }
  }

  /**
   * A pool on the SQLite file: WAL, so that readers never wait for the writer nor it for them; a transaction begins as
   * {@code mode} says (writers IMMEDIATE: they queue for the write lock rather than fail to upgrade; readers DEFERRED:
   * a read transaction is a snapshot and takes no write lock).
   */
  private static HikariConfig sqliteConfig(Path file, String name, int size, String mode) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL"); // an acknowledged batch survives a power cut
    config.addDataSourceProperty("busy_timeout", "10000");
    config.addDataSourceProperty("transaction_mode", mode);
    return config;
  }

  /** Opens the relay tables in the PostgreSQL database at {@code jdbcUrl}, creating them if needed. */
  public static RelayDatabase openPostgres(String jdbcUrl, String user, String password) throws SQLException {
    return openPostgres(jdbcUrl, user, password, Clock.systemUTC());
  }

  /** As {@link #openPostgres(String, String, String)}, judging incoming clocks against {@code clock}. */
  public static RelayDatabase openPostgres(String jdbcUrl, String user, String password, Clock clock)
      throws SQLException {
    ServerDatabase db;
    try {
      db = ServerDatabase.openPostgres(jdbcUrl, user, password);
    } catch (StorageException e) {
      throw new SQLException(e.getMessage(), e.getCause());
    }
    try {
      return new RelayDatabase(db.dataSource(), db.dataSource(), db.dialect(), db.feed(), clock, db);
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The relay's tables in the server's own database, created if needed, on its pool and cluster feed: one pool and
   * one listening connection per instance. Closing the relay leaves {@code db} open; close it after the relay.
   */
  public static RelayDatabase in(ServerDatabase db, Clock clock) throws SQLException {
    return new RelayDatabase(db.dataSource(), db.dataSource(), db.dialect(), db.feed(), clock, () -> {});
  }

  /** The store of one space, created on first use; the same instance on every call. */
  public RelayStore space(String spaceId) {
    return spaces.computeIfAbsent(Objects.requireNonNull(spaceId, "spaceId"), id -> new RelayStore(this, id));
  }

  /**
   * Finds stable points over each space's active devices as {@code members} says, from now on: a revoked device's
   * last vector stops counting, and a device that never said hello keeps the stable point empty. Until this is
   * called, a space's devices are the ones that said hello here.
   */
  public void knowMembers(SpaceMembers members) {
    this.members = Objects.requireNonNull(members, "members");
  }

  /**
   * Records what each device states it holds (hellos, live acks and pushes) for the stable point at most once per
   * {@code every} (zero, the default: every statement). A recorded vector is only ever older than what the device
   * holds, so skipping some only lets tombstones go later; it spares a write transaction for most syncs of a busy
   * space.
   */
  public void recordDeviceVectorsEvery(Duration every) {
    if (every.isNegative()) {
      throw new IllegalArgumentException("the interval must not be negative, was " + every);
    }
    this.deviceVectorsEvery = every;
  }

  Duration deviceVectorsEvery() {
    return deviceVectorsEvery;
  }

  /** The space's active devices, or null when nobody said who they are. */
  SpaceMembers members() {
    return members;
  }

  /** Whether the database answers: for a health check. */
  public boolean isReachable() {
    try (Connection c = readers.getConnection()) {
      return c.isValid(2);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Cells (column versions, row cells, counter contributions) this instance stored since it opened the relay. */
  public long changesStored() {
    return stored.sum();
  }

  Dialect dialect() {
    return dialect;
  }

  Clock clock() {
    return clock;
  }

  /** A connection for a write transaction. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** A connection for reads, alone or in a read-only transaction: never one that takes a write lock. */
  Connection readConnection() throws SQLException {
    return readers.getConnection();
  }

  /**
   * Tells the other instances that {@code space} changed, and which of its rows ({@link RelayChanges}); inside the
   * committing transaction.
   */
  void announce(Connection c, String space, Collection<ByteBuffer> rows) throws SQLException {
    if (!shared()) {
      return; // embedded SQLite: one instance, nobody to tell
    }
    for (String text : RelayChanges.notices(space, rows)) {
      feed.announce(c, COMMITTED_TOPIC, text);
    }
  }

  /** The rows this instance wrote last ({@link RecentRows}); null where other instances write too. */
  RecentRows recentRows() {
    return recentRows;
  }

  /** Whether other instances may write to the same spaces (their commits are heard on the feed). */
  boolean shared() {
    return dialect == Dialect.POSTGRES;
  }

  private void changedElsewhere(RelayStore store, List<byte[]> rows) {
    try {
      elsewhere.execute(() -> store.changedElsewhere(rows));
    } catch (RejectedExecutionException e) {
      // closing: nobody is left to tell
    }
  }

  /** A batch was committed: {@code cells} of it won and were stored. */
  void stored(long cells) {
    stored.add(cells);
  }

  @Override
  public void close() {
    hearing.close();
    elsewhere.shutdownNow();
    try {
      owned.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the relay database failed: " + e.getMessage(), e);
    }
  }
}
