package dev.lattice.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * The rows of one row shape and key order, generated up front from a fixed seed: both sides and every round write
 * exactly the same data in the same order, and generating it is never part of a timed phase.
 */
final class Workload {
  /** Key orders: the two text keys are 36 characters so only their order differs. */
  enum KeyOrder {
    /** UUID strings: each insert lands on a random page of the primary-key index. */
    RANDOM,
    /** Zero-padded increasing numbers: inserts append to the rightmost page, so plain SQLite is CPU-bound. */
    ORDERED,
    /**
     * {@code INTEGER PRIMARY KEY}, numbered by SQLite as rows are inserted (the insert names no key): the shape most
     * applications have, where the table is its own key index and plain inserts only ever append.
     */
    INTEGER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Row shapes the issue asks for. Capture's metadata is about the same per row whatever the values, so it weighs
   * more on a small row. Both shapes have the same key and columns a, b and c, so that the update statements and what
   * is read stay the same and only the values' size differs.
   */
  enum RowShape {
    /** Four values, about 90 bytes: 12-23 letters, an integer below 1,000,000, a real, 40-79 letters. */
    WIDE("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a TEXT, b INTEGER, c REAL, d TEXT)",
        "INSERT INTO t(id, a, b, c, d) VALUES (?, ?, ?, ?, ?)", "SELECT id, a, b, c, d FROM t", 12, 1_000_000, 40),
    /** Three small values, about 15 bytes: 4-7 letters, an integer below 100, a real; no column d. */
    NARROW("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a TEXT, b INTEGER, c REAL)",
        "INSERT INTO t(id, a, b, c) VALUES (?, ?, ?, ?)", "SELECT id, a, b, c FROM t", 4, 100, 0);

    final String create;
    final String insert;
    final String scan;
    final String lookup;
    /** Shortest a and d (0: no column d); the longest is twice that less one. */
    private final int aLength;
    private final int bBound;
    private final int dLength;

    RowShape(String create, String insert, String scan, int aLength, int bBound, int dLength) {
      this.create = create;
      this.insert = insert;
      this.scan = scan;
      this.lookup = scan + " WHERE id = ?";
      this.aLength = aLength;
      this.bBound = bBound;
      this.dLength = dLength;
    }

    /** Cells a row has in the Merkle tree: the row's own and one per value column. */
    int cells() {
      return dLength > 0 ? 5 : 4;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The other benches write wide rows. */
  static final String CREATE = RowShape.WIDE.create;
  static final String INSERT = RowShape.WIDE.insert;
  /** Updates alternate between these two, so that both one- and two-column changes are captured. */
  static final String UPDATE_ONE = "UPDATE t SET b = ? WHERE id = ?";
  static final String UPDATE_TWO = "UPDATE t SET a = ?, c = ? WHERE id = ?";
  static final String DELETE = "DELETE FROM t WHERE id = ?";

  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz     ";

  final RowShape shape;
  final KeyOrder order;
  final String[] id;
  final String[] a;
  final long[] b;
  final double[] c;
  /** Null when the shape has no column d. */
  final String[] d;
  /** New values for the update phase, each different from the inserted one so every update is captured. */
  final String[] newA;
  final long[] newB;
  final double[] newC;
  /** Row indexes in the order each phase visits them; random so updates and deletes hit random pages. */
  final int[] updateOrder;
  final int[] deleteOrder;
  final int[] lookupOrder;

  private Workload(RowShape shape, KeyOrder order, int rows, Random random) {
    this.shape = shape;
    this.order = order;
    id = new String[rows];
    a = new String[rows];
    b = new long[rows];
    c = new double[rows];
    d = shape.dLength > 0 ? new String[rows] : null;
    newA = new String[rows];
    newB = new long[rows];
    newC = new double[rows];
    for (int i = 0; i < rows; i++) {
      id[i] = switch (order) {
        case RANDOM -> new UUID(random.nextLong(), random.nextLong()).toString();
        case ORDERED -> String.format("%036d", i);
        case INTEGER -> Long.toString(i + 1); // what SQLite assigns the (i+1)th row inserted into an empty table
      };
      a[i] = text(random, shape.aLength + random.nextInt(shape.aLength));
      b[i] = random.nextInt(shape.bBound);
      c[i] = random.nextDouble() * 1000;
      if (d != null) {
        d[i] = text(random, shape.dLength + random.nextInt(shape.dLength));
      }
      newA[i] = a[i] + "!";
      newB[i] = b[i] + 1;
      newC[i] = c[i] + 0.5;
    }
    updateOrder = permutation(rows, random);
    deleteOrder = permutation(rows, random);
    lookupOrder = permutation(rows, random);
  }

  static Workload generate(KeyOrder order, int rows, long seed) {
    return generate(RowShape.WIDE, order, rows, seed);
  }

  static Workload generate(RowShape shape, KeyOrder order, int rows, long seed) {
    return new Workload(shape, order, rows, new Random(seed));
  }

  int rows() {
    return id.length;
  }

  /** Shape and key order, as figures name them: "wide/random". */
  String label() {
    return shape.label() + "/" + order.label();
  }

  /** The shape's table, keyed as this key order keys it. */
  String create() {
    return order == KeyOrder.INTEGER ? shape.create.replace("id TEXT PRIMARY KEY NOT NULL", "id INTEGER PRIMARY KEY")
        : shape.create;
  }

  /** The shape's insert; with integer keys it names no key, and SQLite numbers the row. */
  String insert() {
    return order == KeyOrder.INTEGER ? shape.insert.replace("(id, ", "(").replace("(?, ", "(") : shape.insert;
  }

  /** Binds row {@code i} to {@link #insert()}. */
  void bindInsert(PreparedStatement insert, int i) throws SQLException {
    int first = 1;
    if (order != KeyOrder.INTEGER) {
      insert.setString(first++, id[i]);
    }
    insert.setString(first, a[i]);
    insert.setLong(first + 1, b[i]);
    insert.setDouble(first + 2, c[i]);
    if (d != null) {
      insert.setString(first + 3, d[i]);
    }
  }

  /** Binds row {@code i}'s key to parameter {@code index} of a statement that finds a row by key. */
  void bindKey(PreparedStatement s, int index, int i) throws SQLException {
    if (order == KeyOrder.INTEGER) {
      s.setLong(index, i + 1);
    } else {
      s.setString(index, id[i]);
    }
  }

  /** Reads every column of the current row of the shape's {@code scan} or {@code lookup}, as an application would. */
  long read(ResultSet rs) throws SQLException {
    long sum = rs.getString(1).length() + rs.getString(2).length() + rs.getLong(3) + (long) rs.getDouble(4);
    return d != null ? sum + rs.getString(5).length() : sum;
  }

  private static String text(Random random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = LETTERS.charAt(random.nextInt(LETTERS.length()));
    }
    return new String(chars);
  }

  private static int[] permutation(int n, Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = p[i];
      p[i] = p[j];
      p[j] = swap;
    }
    return p;
  }
}
