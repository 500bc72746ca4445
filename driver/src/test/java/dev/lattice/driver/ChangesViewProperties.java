package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@code lattice_changes} view shows every committed write, folded or not: read while the capture log is
 * pending, it shows exactly what it shows once the log is folded. Writes come from two replicas that sync with each
 * other at random points, on a table with a counter column, so the view lays pending local writes over versions and
 * counter contributions merged from a peer.
 */
class ChangesViewProperties {
  static final List<String> KEYS = List.of("k0", "k1", "k2");

  sealed interface Op {}

  /** {@code onB}: the write goes to the second replica. */
  record Write(boolean onB, String sql, String key, Object value) implements Op {}

  record Sync() implements Op {}

  record FoldA() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<Object> value = Arbitraries.of(Arrays.asList(null, "x", "y", 3L));
    Arbitrary<String> sql = Arbitraries.of(
        "INSERT OR IGNORE INTO t(id, a, n) VALUES (?1, ?2, 1)",
        "INSERT OR REPLACE INTO t(id, a, n) VALUES (?1, ?2, 5)",
        "UPDATE t SET a = ?2 WHERE id = ?1",
        "UPDATE t SET n = coalesce(n, 0) + 2 WHERE id = ?1 AND ?2 IS NOT 'never'",
        "UPDATE t SET n = NULL WHERE id = ?1 AND ?2 IS NOT 'never'",
        "DELETE FROM t WHERE id = ?1 AND ?2 IS NOT 'never'");
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Combinators.combine(Arbitraries.of(false, true), sql, key, value).as(Write::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(new Sync())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new FoldA())));
    return op.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 100)
  void theViewShowsPendingWritesAsTheFoldWillWriteThem(@ForAll("ops") List<Op> ops) throws Exception {
    Path dir = Files.createTempDirectory("lattice-view");
    String ddl = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, n INTEGER)";
    try (TestDatabase a = TestDatabase.create(dir, "a.db", ddl); TestDatabase b = TestDatabase.create(dir, "b.db", ddl)) {
      a.replica().track("t", TrackOptions.counters("n"));
      b.replica().track("t", TrackOptions.counters("n"));
      for (Op op : ops) {
        if (op instanceof Write w) {
          write(w.onB() ? b : a, w);
        } else if (op instanceof Sync) {
          a.replica().syncWith(b.replica());
        } else {
          a.replica().fold();
        }
      }
      try (Connection viewer = DriverManager.getConnection("jdbc:lattice:sqlite:" + a.file()
          + "?lattice.foldThreshold=0")) {
        List<String> pending = view(viewer);
        a.replica().fold();
        assertEquals(view(viewer), pending, () -> "ops: " + ops);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void write(TestDatabase db, Write w) throws SQLException {
    try (var p = db.connection().prepareStatement(w.sql())) {
      p.setObject(1, w.key());
      p.setObject(2, w.value());
      p.executeUpdate();
    }
  }

  private static List<String> view(Connection c) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT table_name, pk, column_name, value,"
        + " site_id, seq, hlc, cl FROM lattice_changes ORDER BY pk, column_name, site_id")) {
      while (r.next()) {
        rows.add(r.getString(1) + " " + r.getObject(2) + "/" + r.getString(3) + " = " + r.getObject(4) + " @"
            + HexFormat.of().formatHex(r.getBytes(5)) + ":" + r.getLong(6) + " hlc=" + r.getLong(7) + " cl="
            + r.getLong(8));
      }
    }
    return rows;
  }
}
