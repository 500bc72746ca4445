package dev.lattice.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A workload of short transactions for the transactions bench: its tables and data, and the terminals (one per
 * thread) that run its transactions. Everything is drawn from seeds, so every side of a round runs the same sequence
 * of transactions with the same parameters, as far as its speed takes it.
 */
interface TxWorkload {
  /** The workload's name in the table, e.g. {@code ycsb-a}. */
  String name();

  /** Workloads with the same base share one loaded file (ycsb-a and ycsb-b read the same usertable). */
  String base();

  /** One line saying what a transaction does, for the header. */
  String describe();

  /** Creates and fills the tables through plain sqlite-jdbc (auto-commit off; the caller commits). */
  void load(Connection c) throws SQLException;

  /** The tables {@code lattice_track} is called for on the tracked side; every other table stays untracked. */
  List<String> trackedTables();

  /**
   * Tables whose row count the transactions change, in the order of {@link Terminal#tableDelta()}: after a run, each
   * must hold its initial count plus what the committed transactions added.
   */
  List<String> countedTables();

  /** The names of the transaction types, in the order of {@link Terminal#commitsByType()}. */
  List<String> types();

  /** Terminal {@code thread} of {@code threads}; terminals with the same arguments draw the same transactions. */
  Terminal terminal(int thread, int threads, long seed);

  /**
   * A terminal for writing history before the measured runs (see the transactions bench's {@code --pending}): its
   * inserts use keys no measured terminal uses.
   */
  default Terminal history(long seed) {
    return terminal(0, 1, seed);
  }

  /** Whether transactions of {@code type} only read. */
  boolean readOnly(int type);

  /**
   * One thread's stream of transactions. {@link #next} draws a transaction; {@link #run} runs it on a connection in
   * manual-commit mode and commits it, and after a failure (the caller rolls back) runs the same one again. Effects are
   * counted only once the commit returned.
   */
  interface Terminal {
    void next();

    /** The type of the drawn transaction, an index into {@link #types()}. */
    int type();

    void run(Connection c) throws SQLException;

    /** Committed transactions by type. */
    long[] commitsByType();

    /**
     * Row writes of committed transactions that the tracked side must capture: rows inserted, deleted, or updated
     * with at least one value changed, in tracked tables only.
     */
    long captured();

    /** Rows added (or removed, negative) by committed transactions to each of {@link #countedTables()}. */
    long[] tableDelta();
  }

  /** A random text of {@code length} letters. */
  static String text(SplittableRandom random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }

  /** A random text of {@code min} to {@code max} letters. */
  static String text(SplittableRandom random, int min, int max) {
    return text(random, min + random.nextInt(max - min + 1));
  }
}
