package dev.lattice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every benchmark program needs around its measurements: one-line SQL, elapsed time, temporary files. */
final class BenchSupport {
  private BenchSupport() {}

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long oneLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String oneString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A check on what was measured: a figure from a run that did not do its work would be a lie. */
  static void expect(long expected, long actual, String what) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
    }
  }

  /** The value after option {@code args[i - 1]}, or a usage error naming the option. */
  static String argument(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** An integer option value of at least {@code min} ({@code _} and {@code ,} allowed as separators). */
  static int number(String option, String value, int min) {
    try {
      int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " takes an integer >= " + min + ", not '" + value + "'");
  }

  /**
   * A new temporary directory, deleted when the JVM exits: by a shutdown hook rather than {@code finally}, so that it
   * also goes when the benchmark is interrupted with Ctrl-C.
   */
  static Path scratchDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    return dir;
  }

  static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  /** Deletes a database file with its WAL and shared-memory files; a failure is reported, not thrown. */
  static void deleteFile(Path file) {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      try {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
      } catch (IOException e) {
        System.err.println("bench: could not delete " + file + suffix + ": " + e);
      }
    }
  }

  /** Deletes a directory and everything in it; a failure is reported, not thrown. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("bench: could not delete " + root + ": " + e);
    }
  }
}
