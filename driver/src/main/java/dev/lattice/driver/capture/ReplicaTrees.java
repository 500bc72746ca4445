package dev.lattice.driver.capture;

import dev.lattice.merkle.CellIdHasher;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link ReplicaTree} per database file and cell id hasher in this process, shared by every connection to the
 * file, so that a pool of connections keeps one tree. The most recently used {@value #KEPT} trees stay in memory; an
 * evicted one is rebuilt when next needed. An in-memory database has no file to share and gets a fresh tree each time.
 */
final class ReplicaTrees {
  static final int KEPT = 16;

  private record Key(Path file, CellIdHasher hasher) {}

  private static final Map<Key, ReplicaTree> TREES = new LinkedHashMap<>(KEPT, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, ReplicaTree> eldest) {
      return size() > KEPT;
    }
  };

  private ReplicaTrees() {}

  static ReplicaTree of(Connection c, CellIdHasher hasher) throws SQLException {
    Path file = mainFile(c);
    if (file == null) {
      return new ReplicaTree(hasher);
    }
    synchronized (TREES) {
      return TREES.computeIfAbsent(new Key(file, hasher), k -> new ReplicaTree(hasher));
    }
  }

  /** The main database's file, or null for an in-memory or temporary database. */
  private static Path mainFile(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT file FROM pragma_database_list WHERE name = 'main'");
        ResultSet r = p.executeQuery()) {
      String file = r.next() ? r.getString(1) : null;
      return file == null || file.isEmpty() ? null : Path.of(file).toAbsolutePath().normalize();
    }
  }
}
