package dev.lattice.server.http;

import dev.lattice.server.config.RateLimit;
import dev.lattice.server.storage.ServerDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets in the PostgreSQL database that several instances share: a client spends one budget whichever instance
 * it reaches. Each acquisition is one statement (an upsert that refills, checks and takes under the row's lock), timed
 * by the database's clock, so instances with skewed clocks agree. A storage failure surfaces as the StorageException
 * every other request would meet on that database.
 *
 * <p>The table holds nothing that must outlive a restart (a lost row is a full bucket), so it is created at start
 * rather than migrated with the accounts: if its shape ever changes, a server drops and recreates it.
 */
final class SharedRateLimiter implements RateBudgets {
  private static final long SWEEP_INTERVAL_NANOS = 60_000_000_000L;
  private static final String NOW = "extract(epoch FROM clock_timestamp())";
  /** The bucket's tokens now: refilled since it was last touched, up to the burst (parameters: burst, rate). */
  private static final String TOKENS_NOW = "LEAST(?, rate_budgets.tokens + (" + NOW + " - rate_budgets.refilled_at) * ?)";

  private final ServerDatabase database;
  private final RateLimit limit;
  /** Separates the budgets of different limits in the one table. */
  private final String prefix;
  private final long sweepIntervalNanos;
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  SharedRateLimiter(ServerDatabase database, String name, RateLimit limit) {
    this(database, name, limit, SWEEP_INTERVAL_NANOS);
  }

  /** With full buckets swept every {@code sweepIntervalNanos} at most: for tests. */
  SharedRateLimiter(ServerDatabase database, String name, RateLimit limit, long sweepIntervalNanos) {
    this.sweepIntervalNanos = sweepIntervalNanos;
    this.database = database;
    this.limit = limit;
    this.prefix = name + "/";
    database.write(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS rate_budgets (key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL,"
            + " refilled_at DOUBLE PRECISION NOT NULL)");
      }
      return null;
    });
  }

  @Override
  public boolean tryAcquire(String key) {
    sweepNowAndThen();
    return database.read(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO rate_budgets (key, tokens, refilled_at)"
          + " VALUES (?, ?, " + NOW + ") ON CONFLICT (key) DO UPDATE SET tokens = " + TOKENS_NOW + " - 1,"
          + " refilled_at = " + NOW + " WHERE " + TOKENS_NOW + " >= 1 RETURNING tokens")) {
        s.setString(1, prefix + key);
        s.setDouble(2, limit.burst() - 1);
        s.setDouble(3, limit.burst());
        s.setDouble(4, limit.perSecond());
        s.setDouble(5, limit.burst());
        s.setDouble(6, limit.perSecond());
        try (ResultSet r = s.executeQuery()) {
          return r.next(); // no row: the bucket had no token, and is left as it was
        }
      }
    });
  }

  @Override
  public boolean isExhausted(String key) {
    Double tokens = tokensNow(key);
    return tokens != null && tokens < 1;
  }

  @Override
  public long retryAfterSeconds(String key) {
    Double tokens = tokensNow(key);
    double missing = tokens == null ? 0 : Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing / limit.perSecond()));
  }

  /** The bucket's tokens now, or null if it has none stored (a full one). */
  private Double tokensNow(String key) {
    return database.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + TOKENS_NOW + " FROM rate_budgets WHERE key = ?")) {
        s.setDouble(1, limit.burst());
        s.setDouble(2, limit.perSecond());
        s.setString(3, prefix + key);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? r.getDouble(1) : null;
        }
      }
    });
  }

  /** Forgets full buckets once a minute at most per instance: a full bucket is a missing row. */
  private void sweepNowAndThen() {
    long now = System.nanoTime();
    long last = lastSweep.get();
    if (now - last >= sweepIntervalNanos && lastSweep.compareAndSet(last, now)) {
      database.read(c -> sweep(c));
    }
  }

  /** Rows in the table, for tests. */
  int size() {
    return database.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM rate_budgets WHERE key LIKE ?")) {
        s.setString(1, prefix + "%");
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      }
    });
  }

  private int sweep(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM rate_budgets WHERE key LIKE ? AND " + TOKENS_NOW
        + " >= ?")) {
      s.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      s.setDouble(2, limit.burst());
      s.setDouble(3, limit.perSecond());
      s.setDouble(4, limit.burst());
      return s.executeUpdate();
    }
  }
}
