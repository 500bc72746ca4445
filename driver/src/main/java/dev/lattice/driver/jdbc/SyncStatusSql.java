package dev.lattice.driver.jdbc;

import dev.lattice.driver.sync.AutoSync;
import dev.lattice.driver.sync.AutoSyncStatus;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The background sync's status in SQL, so that any JDBC tool sees it: {@code lattice_sync_status(field)} and the
 * temporary view {@code lattice_sync} over it (one row: state, description, progress, last_synced, retry_at,
 * pending_local_writes, unresolved_conflicts, last_error). Installed on connections opened with
 * {@code lattice.sync=auto} only.
 */
final class SyncStatusSql {
  static final String FUNCTION = "lattice_sync_status";
  static final String VIEW = "lattice_sync";

  private SyncStatusSql() {}

  static void install(SQLiteConnection raw, AutoSync.Lease lease) throws SQLException {
    Function.create(raw, FUNCTION, new Function() {
      @Override
      protected void xFunc() throws SQLException {
        if (args() != 1) {
          throw new SQLException(FUNCTION + " takes one argument, the field's name");
        }
        AutoSyncStatus s = lease.status();
        String field = value_text(0);
        switch (field == null ? "" : field) {
          case "state" -> result(s.state().words());
          case "description" -> result(s.description());
          case "progress" -> resultOrNull(s.progressPercent() == null ? null : s.progressPercent().longValue());
          case "last_synced" -> result(text(s.lastSyncedAt()));
          case "retry_at" -> result(text(s.retryAt()));
          case "pending_local_writes" -> result(s.pendingLocalWrites());
          case "unresolved_conflicts" -> result(s.unresolvedConflicts());
          case "last_error" -> result(s.lastError());
          default -> throw new SQLException(FUNCTION + ": no field '" + field + "'; see the " + VIEW + " view");
        }
      }

      private void resultOrNull(Long value) throws SQLException {
        if (value == null) {
          result();
        } else {
          result(value);
        }
      }
    });
    try (Statement s = raw.createStatement()) {
      // TEMP: per connection, never written into the database file (other tools and backups see nothing of it).
      s.execute("CREATE TEMP VIEW IF NOT EXISTS " + VIEW + " AS SELECT " + FUNCTION + "('state') AS state, "
          + FUNCTION + "('description') AS description, " + FUNCTION + "('progress') AS progress, "
          + FUNCTION + "('last_synced') AS last_synced, " + FUNCTION + "('retry_at') AS retry_at, "
          + FUNCTION + "('pending_local_writes') AS pending_local_writes, "
          + FUNCTION + "('unresolved_conflicts') AS unresolved_conflicts, "
          + FUNCTION + "('last_error') AS last_error");
    }
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
