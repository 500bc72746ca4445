package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Capture and fold agree with a model of the capture rules, whatever the mix of writes and wherever folds happen.
 *
 * <p>The model states the rules once, plainly: an insert starts a new life (next odd causal length) and versions every
 * column; a delete ends it (next even); an update versions only the columns whose value changed; a key change is a
 * delete and an insert; each captured row operation takes the next sequence number. The database must report exactly
 * the cell versions the model predicts.
 */
class CaptureModelProperties {
  static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
  static final List<Object> VALUES = Arrays.asList(null, "x", "y", 1L, 2.5);

  sealed interface Op {}

  record Insert(String key, Object a, Object b) implements Op {}

  record Replace(String key, Object a, Object b) implements Op {}

  record Upsert(String key, Object a) implements Op {}

  record Update(String key, String column, Object value) implements Op {}

  record Delete(String key) implements Op {}

  record Rekey(String from, String to) implements Op {}

  record RolledBack(String key) implements Op {}

  record Fold() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<Object> value = Arbitraries.of(VALUES);
    Arbitrary<Op> op = Arbitraries.oneOf(
        Combinators.combine(key, value, value).as(Insert::new),
        Combinators.combine(key, value, value).as(Replace::new),
        Combinators.combine(key, value).as(Upsert::new),
        Combinators.combine(key, Arbitraries.of("a", "b"), value).as(Update::new),
        key.map(Delete::new),
        Combinators.combine(key, key).as(Rekey::new),
        key.map(RolledBack::new),
        Arbitraries.just(new Fold()));
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 300)
  void captureMatchesTheModel(@ForAll("ops") List<Op> ops) throws Exception {
    Path dir = Files.createTempDirectory("lattice-model");
    try (TestDatabase db = TestDatabase.create(dir, "model.db", "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b)")) {
      db.replica().track("t");
      Model model = new Model();
      for (Op op : ops) {
        apply(db, op);
        model.apply(op);
      }
      assertEquals(model.expectedCells(), actualCells(db), () -> "ops: " + ops);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void apply(TestDatabase db, Op op) throws SQLException {
    if (op instanceof Insert i) {
      write(db, "INSERT OR IGNORE INTO t VALUES (?, ?, ?)", i.key(), i.a(), i.b());
    } else if (op instanceof Replace r) {
      write(db, "INSERT OR REPLACE INTO t VALUES (?, ?, ?)", r.key(), r.a(), r.b());
    } else if (op instanceof Upsert u) {
      write(db, "INSERT INTO t VALUES (?, ?, NULL) ON CONFLICT(id) DO UPDATE SET a = excluded.a", u.key(), u.a());
    } else if (op instanceof Update u) {
      write(db, "UPDATE t SET " + u.column() + " = ? WHERE id = ?", u.value(), u.key());
    } else if (op instanceof Delete d) {
      write(db, "DELETE FROM t WHERE id = ?", d.key());
    } else if (op instanceof Rekey r) {
      try {
        write(db, "UPDATE t SET id = ? WHERE id = ?", r.to(), r.from());
      } catch (SQLException uniqueViolation) {
        // the target key exists: the statement, and what its triggers wrote, rolled back
      }
    } else if (op instanceof RolledBack r) {
      db.connection().setAutoCommit(false);
      write(db, "INSERT OR REPLACE INTO t VALUES (?, 'rolled back', NULL)", r.key());
      db.connection().rollback();
      db.connection().setAutoCommit(true);
    } else if (op instanceof Fold) {
      db.replica().fold();
    }
  }

  private static void write(TestDatabase db, String sql, Object... args) throws SQLException {
    try (var p = db.connection().prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.executeUpdate();
    }
  }

  /** Cells as "key/column" -> [cl, seq, value]; hlc and site are checked by the example tests. */
  private static Map<String, List<Object>> actualCells(TestDatabase db) throws SQLException {
    Map<String, List<Object>> cells = new TreeMap<>();
    db.cells().values().forEach(c -> cells.put(c.pk() + "/" + (c.column() == null ? "-" : c.column()),
        Arrays.asList(c.cl(), c.seq(), c.value())));
    return cells;
  }

  /** The capture rules, stated once. */
  static final class Model {
    final Map<String, Row> rows = new TreeMap<>();
    long seq;

    static final class Row {
      long cl;
      long rowSeq;
      final long[] columnSeq = new long[2];
      final Object[] values = new Object[2];

      boolean alive() {
        return cl % 2 == 1;
      }
    }

    Row row(String key) {
      return rows.computeIfAbsent(key, k -> new Row());
    }

    boolean alive(String key) {
      return rows.containsKey(key) && rows.get(key).alive();
    }

    void apply(Op op) {
      if (op instanceof Insert i && !alive(i.key())) {
        insert(i.key(), i.a(), i.b());
      } else if (op instanceof Replace r) {
        insert(r.key(), r.a(), r.b());
      } else if (op instanceof Upsert u) {
        if (alive(u.key())) {
          update(u.key(), 0, u.a());
        } else {
          insert(u.key(), u.a(), null);
        }
      } else if (op instanceof Update u && alive(u.key())) {
        update(u.key(), u.column().equals("a") ? 0 : 1, u.value());
      } else if (op instanceof Delete d && alive(d.key())) {
        delete(d.key());
      } else if (op instanceof Rekey r && alive(r.from()) && !r.from().equals(r.to()) && !alive(r.to())) {
        Object[] values = row(r.from()).values.clone();
        delete(r.from());
        insert(r.to(), values[0], values[1]);
      }
      // RolledBack and Fold change nothing the model sees
    }

    void insert(String key, Object a, Object b) {
      Row row = row(key);
      row.cl = row.alive() ? row.cl + 2 : row.cl + 1;
      row.rowSeq = ++seq;
      Arrays.fill(row.columnSeq, seq);
      row.values[0] = a;
      row.values[1] = b;
    }

    void update(String key, int column, Object value) {
      Row row = row(key);
      if (!Objects.equals(row.values[column], value)) {
        row.columnSeq[column] = ++seq;
        row.values[column] = value;
      }
    }

    void delete(String key) {
      Row row = row(key);
      row.cl++;
      row.rowSeq = ++seq;
    }

    Map<String, List<Object>> expectedCells() {
      Map<String, List<Object>> cells = new TreeMap<>();
      rows.forEach((key, row) -> {
        cells.put(key + "/-", Arrays.asList(row.cl, row.rowSeq, null));
        if (row.alive()) {
          for (int i = 0; i < 2; i++) {
            cells.put(key + "/" + (i == 0 ? "a" : "b"), Arrays.asList(row.cl, row.columnSeq[i], row.values[i]));
          }
        }
      });
      return cells;
    }
  }

}
