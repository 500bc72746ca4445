package dev.lattice.sync.crash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A deterministic stream of application transactions and the model of what they leave behind: the victim runs
 * transaction 0, 1, 2... against its database while the test, knowing only the seed, replays the same stream into
 * the model to any length. Each transaction writes a marker row {@code tx(<prefix>:<i>)} with its other writes, so the
 * markers found after a crash say exactly which transactions committed, and the model says what the tables must hold.
 *
 * <p>Writes: {@code INSERT OR REPLACE}, updates of one or two columns, deletes, and re-keys ({@code UPDATE OR
 * REPLACE ... SET id}) on keys {@code <prefix><n>}, so writers with different prefixes never touch each other's rows.
 * With migrations on, some transactions instead change the schema of {@code t} through the driver: {@code ADD COLUMN d}
 * with an {@code UPDATE} of every row, {@code DROP COLUMN d}, and the create-copy-drop-rename rebuild.
 */
final class Workload {
  static final String CREATE_T = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a TEXT, b REAL, c BLOB, n INTEGER)";
  static final String CREATE_TX = "CREATE TABLE tx(id TEXT PRIMARY KEY NOT NULL, ops INTEGER NOT NULL)";
  static final String ADD_D = "ALTER TABLE t ADD COLUMN d TEXT NOT NULL DEFAULT ''";

  /** One row of {@code t} without its key; {@code d} is null while the column does not exist. */
  record Row(String a, Double b, byte[] c, long n, String d) {
    String render() {
      return Audit.render(a) + "|" + Audit.render(b) + "|" + Audit.render(c) + "|" + n + (d == null ? "" : "|" + d);
    }
  }

  /** One statement of a transaction with its arguments. */
  record Op(String sql, List<Object> args) {}

  /** How a workload is shaped. */
  record Shape(int keys, int minOps, int maxOps, int initialRows, boolean migrations) {}

  static final Shape SMALL = new Shape(300, 1, 8, 0, false);

  private final String prefix;
  private final Random random;
  private final Shape shape;
  final TreeMap<String, Row> t = new TreeMap<>();
  final TreeMap<String, Long> tx = new TreeMap<>();
  private boolean hasD;
  private int next;

  Workload(String prefix, long seed, Shape shape, boolean hasD) {
    this.prefix = prefix;
    this.random = new Random(seed);
    this.shape = shape;
    this.hasD = hasD;
  }

  boolean hasD() {
    return hasD;
  }

  int transactionsGenerated() {
    return next;
  }

  /** The next transaction's statements, applied to the model as they are generated. */
  List<Op> nextTransaction() {
    int i = next++;
    List<Op> ops = new ArrayList<>();
    if (i == 0 && shape.initialRows() > 0) {
      for (int k = 0; k < shape.initialRows(); k++) {
        ops.add(upsert(prefix + k));
      }
    } else if (shape.migrations() && i % 9 == 3 && !hasD) {
      String value = "m" + i;
      ops.add(new Op(ADD_D, List.of()));
      ops.add(new Op("UPDATE t SET d = ?", List.of(value)));
      hasD = true;
      t.replaceAll((k, r) -> new Row(r.a(), r.b(), r.c(), r.n(), value));
    } else if (shape.migrations() && i % 9 == 6 && hasD) {
      ops.add(new Op("ALTER TABLE t DROP COLUMN d", List.of()));
      hasD = false;
      t.replaceAll((k, r) -> new Row(r.a(), r.b(), r.c(), r.n(), null));
    } else if (shape.migrations() && i % 9 == 5) {
      ops.add(new Op("CREATE TABLE t_new(id TEXT PRIMARY KEY NOT NULL, a TEXT, b REAL, c BLOB, n INTEGER"
          + (hasD ? ", d TEXT NOT NULL DEFAULT ''" : "") + ")", List.of()));
      ops.add(new Op("INSERT INTO t_new SELECT * FROM t", List.of()));
      ops.add(new Op("DROP TABLE t", List.of()));
      ops.add(new Op("ALTER TABLE t_new RENAME TO t", List.of()));
    } else {
      int count = shape.minOps() + random.nextInt(shape.maxOps() - shape.minOps() + 1);
      for (int k = 0; k < count; k++) {
        ops.add(randomOp());
      }
    }
    String marker = prefix + ":" + i;
    long count = ops.size();
    ops.add(new Op("INSERT INTO tx(id, ops) VALUES (?, ?)", List.of(marker, count)));
    tx.put(marker, count);
    return ops;
  }

  /** Replays {@code count} transactions into the model; the victim must have been given the same seed and shape. */
  Workload replay(int count) {
    while (next < count) {
      nextTransaction();
    }
    return this;
  }

  private Op randomOp() {
    String key = key();
    int p = random.nextInt(100);
    if (p < 45) {
      return upsert(key);
    }
    if (p < 70) {
      String a = text();
      t.computeIfPresent(key, (k, r) -> new Row(a, r.b(), r.c(), r.n() + 1, r.d()));
      return new Op("UPDATE t SET a = ?, n = n + 1 WHERE id = ?", Arrays.asList(a, key));
    }
    if (p < 80) {
      Double b = real();
      t.computeIfPresent(key, (k, r) -> new Row(r.a(), b, r.c(), r.n(), r.d()));
      return new Op("UPDATE t SET b = ? WHERE id = ?", Arrays.asList(b, key));
    }
    if (p < 95) {
      t.remove(key);
      return new Op("DELETE FROM t WHERE id = ?", List.of(key));
    }
    String to = key();
    Row moved = t.remove(key);
    if (moved != null) {
      t.put(to, moved);
    }
    return new Op("UPDATE OR REPLACE t SET id = ? WHERE id = ?", List.of(to, key));
  }

  private Op upsert(String key) {
    Row row = new Row(text(), real(), blob(), random.nextInt(1000), hasD ? "w" + random.nextInt(100) : null);
    t.put(key, row);
    if (hasD) {
      return new Op("INSERT OR REPLACE INTO t(id, a, b, c, n, d) VALUES (?, ?, ?, ?, ?, ?)",
          Arrays.asList(key, row.a(), row.b(), row.c(), row.n(), row.d()));
    }
    return new Op("INSERT OR REPLACE INTO t(id, a, b, c, n) VALUES (?, ?, ?, ?, ?)",
        Arrays.asList(key, row.a(), row.b(), row.c(), row.n()));
  }

  private String key() {
    return prefix + random.nextInt(shape.keys());
  }

  private String text() {
    if (random.nextInt(10) == 0) {
      return null;
    }
    char[] chars = new char[random.nextInt(40)];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }

  private Double real() {
    return random.nextInt(10) == 0 ? null : random.nextInt(1_000_000) / 64.0;
  }

  private byte[] blob() {
    if (random.nextInt(5) == 0) {
      return null;
    }
    byte[] bytes = new byte[random.nextInt(32)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Runs {@code ops} on {@code c} as one transaction; returns once COMMIT has returned. */
  static void run(Connection c, List<Op> ops) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (Op op : ops) {
        try (PreparedStatement p = c.prepareStatement(op.sql())) {
          for (int i = 0; i < op.args().size(); i++) {
            p.setObject(i + 1, op.args().get(i));
          }
          p.execute();
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The rows of {@code t} whose keys start with {@code prefix}, rendered as {@link Row#render()} does. */
  static TreeMap<String, String> tableRows(Connection c, String prefix) throws SQLException {
    TreeMap<String, String> rows = new TreeMap<>();
    boolean hasD = Audit.columns(c, "t").contains("d");
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, a, b, c, n" + (hasD ? ", d" : "") + " FROM t")) {
      while (r.next()) {
        String id = r.getString(1);
        if (id.startsWith(prefix)) {
          Object b = r.getObject(3);
          rows.put(id, new Row(r.getString(2), b == null ? null : ((Number) b).doubleValue(), r.getBytes(4),
              r.getLong(5), hasD ? r.getString(6) : null).render());
        }
      }
    }
    return rows;
  }

  /** The model's rows, rendered. */
  TreeMap<String, String> modelRows() {
    TreeMap<String, String> rows = new TreeMap<>();
    t.forEach((k, r) -> rows.put(k, r.render()));
    return rows;
  }
}
