package dev.lattice.server.relay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The relay's storage: one SQLite file holding the envelopes of every space, on one connection that every space's
 * store serializes on. Opening it creates the tables.
 */
public final class RelayDatabase implements AutoCloseable {
  private final Connection connection;
  private final Clock clock;
  private final Map<String, RelayStore> spaces = new HashMap<>();

  private RelayDatabase(Connection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
  }

  /** Opens (creating if needed) the relay database at {@code jdbcUrl}, such as {@code jdbc:sqlite:data/relay.db}. */
  public static RelayDatabase open(String jdbcUrl) throws SQLException {
    return open(jdbcUrl, Clock.systemUTC());
  }

  /** As {@link #open(String)}, judging incoming clocks against {@code clock}. */
  public static RelayDatabase open(String jdbcUrl, Clock clock) throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = FULL"); // an acknowledged batch survives a power cut
        s.execute("PRAGMA busy_timeout = 10000");
      }
      RelaySchema.create(c);
      return new RelayDatabase(c, clock);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The store of one space, created on first use; the same instance on every call. */
  public synchronized RelayStore space(String spaceId) {
    return spaces.computeIfAbsent(spaceId, id -> new RelayStore(this, id));
  }

  Connection connection() {
    return connection;
  }

  Clock clock() {
    return clock;
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
