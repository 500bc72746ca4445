package dev.lattice.sync.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices commits to a database by any connection or process, the sqlite3 shell included, by polling SQLite's
 * {@code PRAGMA data_version} on a connection of its own: the value changes exactly when another connection committed.
 * A poll costs microseconds, so a short interval is cheap.
 */
final class CommitWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitWatcher.class);

  private final Connection connection;
  private final ScheduledExecutorService poller;
  private long lastVersion;

  private CommitWatcher(Connection connection) throws SQLException {
    this.connection = connection;
    this.lastVersion = dataVersion();
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lattice-commit-watcher");
      t.setDaemon(true);
      return t;
    });
  }

  static CommitWatcher start(String jdbcUrl, Duration interval, Runnable onCommit) throws SQLException {
    CommitWatcher watcher = new CommitWatcher(DriverManager.getConnection(jdbcUrl));
    long micros = Math.max(1_000, interval.toNanos() / 1_000);
    watcher.poller.scheduleWithFixedDelay(() -> watcher.poll(onCommit), micros, micros, TimeUnit.MICROSECONDS);
    return watcher;
  }

  private void poll(Runnable onCommit) {
    try {
      long now = dataVersion();
      if (now != lastVersion) {
        lastVersion = now;
        onCommit.run();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("watching for commits failed; will try again: {}", e.getMessage());
    }
  }

  private long dataVersion() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA data_version")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }
}
