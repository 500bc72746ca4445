package dev.lattice.bench;

import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * The rows of one key order, generated up front from a fixed seed: both sides and every round write exactly the same
 * data in the same order, and generating it is never part of a timed phase.
 */
final class Workload {
  /** Key orders the issue asks for; both keys are 36 characters so only their order differs. */
  enum KeyOrder {
    /** UUID strings: each insert lands on a random page of the primary-key index. */
    RANDOM,
    /** Zero-padded increasing numbers: inserts append to the rightmost page, so plain SQLite is CPU-bound. */
    ORDERED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String CREATE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a TEXT, b INTEGER, c REAL, d TEXT)";
  static final String INSERT = "INSERT INTO t(id, a, b, c, d) VALUES (?, ?, ?, ?, ?)";
  /** Updates alternate between these two, so that both one- and two-column changes are captured. */
  static final String UPDATE_ONE = "UPDATE t SET b = ? WHERE id = ?";
  static final String UPDATE_TWO = "UPDATE t SET a = ?, c = ? WHERE id = ?";
  static final String DELETE = "DELETE FROM t WHERE id = ?";
  static final String LOOKUP = "SELECT id, a, b, c, d FROM t WHERE id = ?";
  static final String SCAN = "SELECT id, a, b, c, d FROM t";

  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz     ";

  final KeyOrder order;
  final String[] id;
  final String[] a;
  final long[] b;
  final double[] c;
  final String[] d;
  /** New values for the update phase, each different from the inserted one so every update is captured. */
  final String[] newA;
  final long[] newB;
  final double[] newC;
  /** Row indexes in the order each phase visits them; random so updates and deletes hit random pages. */
  final int[] updateOrder;
  final int[] deleteOrder;
  final int[] lookupOrder;

  private Workload(KeyOrder order, int rows, Random random) {
    this.order = order;
    id = new String[rows];
    a = new String[rows];
    b = new long[rows];
    c = new double[rows];
    d = new String[rows];
    newA = new String[rows];
    newB = new long[rows];
    newC = new double[rows];
    for (int i = 0; i < rows; i++) {
      id[i] = order == KeyOrder.RANDOM
          ? new UUID(random.nextLong(), random.nextLong()).toString()
          : String.format("%036d", i);
      a[i] = text(random, 12 + random.nextInt(12));
      b[i] = random.nextInt(1_000_000);
      c[i] = random.nextDouble() * 1000;
      d[i] = text(random, 40 + random.nextInt(40));
      newA[i] = a[i] + "!";
      newB[i] = b[i] + 1;
      newC[i] = c[i] + 0.5;
    }
    updateOrder = permutation(rows, random);
    deleteOrder = permutation(rows, random);
    lookupOrder = permutation(rows, random);
  }

  static Workload generate(KeyOrder order, int rows, long seed) {
    return new Workload(order, rows, new Random(seed));
  }

  int rows() {
    return id.length;
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
