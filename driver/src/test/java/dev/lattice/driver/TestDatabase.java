package dev.lattice.driver;

import dev.lattice.core.VersionVector;
import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.ItemVersion;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A real database file in a test's temporary directory, opened with plain sqlite-jdbc. */
public final class TestDatabase implements AutoCloseable {
  private final Path file;
  private final Connection connection;
  /** One replica for the file's life, keeping its merge state as a sync store does, so tests exercise that path. */
  private final Replica replica;

  private TestDatabase(Path file) throws SQLException {
    this.file = file;
    this.connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    this.replica = Replica.of(connection).keepingMergeState();
    exec("PRAGMA journal_mode=WAL");
  }

  public static TestDatabase create(Path dir, String name, String... ddl) throws SQLException {
    TestDatabase db = new TestDatabase(dir.resolve(name));
    for (String sql : ddl) {
      db.exec(sql);
    }
    return db;
  }

  public Path file() {
    return file;
  }

  public Connection connection() {
    return connection;
  }

  public Replica replica() {
    return replica;
  }

  public void exec(String... sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }

  public List<List<Object>> query(String sql, Object... args) throws SQLException {
    return rows(connection, sql, args);
  }

  /**
   * The rows {@code sql} selects on {@code c}, each as a list of its values; integers always as {@link Long}, so that
   * rows read on different connections compare equal whatever width sqlite-jdbc chose.
   */
  public static List<List<Object>> rows(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        List<List<Object>> rows = new ArrayList<>();
        int n = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            Object v = r.getObject(i);
            row.add(v instanceof Integer x ? Long.valueOf(x) : v);
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /** Every current cell version, keyed "table/pk/column" ("-" for the row cell). */
  public Map<String, Change> cells() throws SQLException {
    return cellsSince(VersionVector.empty());
  }

  /**
   * Current cell versions a peer with vector {@code peer} lacks, keyed "table/pk/column"; a counter cell with
   * contributions from several sites is keyed "table/pk/column@site" for each.
   */
  public Map<String, Change> cellsSince(VersionVector peer) throws SQLException {
    Map<String, List<Change>> byCell = new TreeMap<>();
    try (ChangeStream changes = replica().changesSince(peer)) {
      for (Change c; (c = changes.next()) != null; ) {
        byCell.computeIfAbsent(key(c), k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, Change> cells = new TreeMap<>();
    byCell.forEach((key, versions) -> {
      boolean contributions = versions.size() > 1;
      for (Change c : versions) {
        Change previous = cells.put(contributions ? key + "@" + c.site() : key, c);
        if (previous != null) {
          throw new AssertionError("cell streamed twice: " + previous + " and " + c);
        }
      }
    });
    return cells;
  }

  /**
   * The Merkle root this replica should have, computed independently of the driver's tree from what it streams to a
   * peer with nothing: one item per cell, versioned (cl, hlc, site, seq); one item per counter cell (columns named in
   * {@code counters}) over all its contributions. Cell ids hash table, key and column as the driver documents.
   */
  public NodeSummary expectedRoot(Set<String> counters) throws SQLException {
    MerkleTree<Void> tree = new MerkleTree<>();
    Map<CellId, List<ItemVersion.Contribution>> contributions = new HashMap<>();
    Map<CellId, Long> counterLife = new HashMap<>();
    CellIdHasher hasher = CellIdHasher.unkeyed();
    try (ChangeStream changes = replica().changesSince(VersionVector.empty())) {
      for (Change c; (c = changes.next()) != null; ) {
        CellId cell = hasher.cell(c.table(), keyBytes(c.pk()), c.column());
        if (c.column() != null && counters.contains(c.column())) {
          contributions.computeIfAbsent(cell, k -> new ArrayList<>())
              .add(new ItemVersion.Contribution(c.site().bytes(), c.seq(), c.hlc()));
          counterLife.put(cell, c.cl());
        } else {
          tree.put(cell, ItemVersion.of(c.cl(), c.hlc(), c.site().bytes(), c.seq()), null);
        }
      }
    }
    contributions.forEach((cell, list) -> tree.put(cell, ItemVersion.ofContributions(counterLife.get(cell), list),
        null));
    return tree.root();
  }

  /** The documented key encoding: type tag 1 integer, 2 real (IEEE bits), 3 text (UTF-8), 4 blob. */
  private static byte[] keyBytes(Object pk) {
    if (pk instanceof Long l) {
      return java.nio.ByteBuffer.allocate(9).put((byte) 1).putLong(l).array();
    } else if (pk instanceof Double d) {
      return java.nio.ByteBuffer.allocate(9).put((byte) 2).putLong(Double.doubleToRawLongBits(d)).array();
    }
    byte[] body = pk instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) pk;
    return java.nio.ByteBuffer.allocate(body.length + 1).put((byte) (pk instanceof String ? 3 : 4)).put(body).array();
  }

  public static String key(Change c) {
    return c.table() + "/" + showKey(c.pk()) + "/" + (c.column() == null ? "-" : c.column());
  }

  /** Text keys as they are; other types marked, so the INTEGER key 42 and the TEXT key '42' stay apart. */
  public static String showKey(Object pk) {
    if (pk instanceof String s) {
      return s;
    }
    return pk instanceof byte[] b ? "x'" + java.util.HexFormat.of().formatHex(b) + "'"
        : "(" + pk.getClass().getSimpleName() + ")" + pk;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
