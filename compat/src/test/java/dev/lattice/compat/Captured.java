package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lattice.driver.Replica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Captured equals committed: on LATTICE, a fresh replica (a new file with the same tables, tracked) synced from the
 * file under test holds exactly the rows committed to its tracked tables, so every committed write was captured and
 * nothing else was. On PLAIN there is nothing captured to check.
 */
public final class Captured {
  private Captured() {}

  /** Asserts that what {@code db} committed to its tracked tables reaches a fresh replica row for row. */
  public static void assertCapturedEqualsCommitted(Db db) throws SQLException {
    if (!db.url().isLattice()) {
      return;
    }
    Path fresh = db.file().resolveSibling("fresh-replica-" + System.nanoTime() + ".db");
    try (Connection source = DriverManager.getConnection(Url.PLAIN.of(db.file()));
        Connection replica = DriverManager.getConnection(Url.PLAIN.of(fresh))) {
      Replica sourceReplica = Replica.of(source);
      List<String> tables = sourceReplica.trackedTables();
      assertFalse(tables.isEmpty(), "the scenario tracks its tables on " + db);
      Replica freshReplica = Replica.of(replica);
      for (String table : tables) {
        String ddl = (String) Db.rows(source, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", table)
            .get(0).get(0);
        try (Statement s = replica.createStatement()) {
          s.execute(ddl);
        }
        freshReplica.track(table);
      }
      freshReplica.syncWith(sourceReplica);
      for (String table : tables) {
        String order = Db.rows(source, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table)
            .stream().map(row -> "\"" + row.get(0) + "\"").collect(Collectors.joining(", "));
        String select = "SELECT * FROM \"" + table + "\" ORDER BY " + order;
        assertEquals(Db.rows(source, select), Db.rows(replica, select),
            "table " + table + ": a fresh replica synced from " + db + " holds what was committed there");
      }
    } finally {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        try {
          Files.deleteIfExists(Path.of(fresh + suffix));
        } catch (java.io.IOException e) {
          // a temporary directory: JUnit removes it anyway
        }
      }
    }
  }
}
