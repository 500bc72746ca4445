package dev.lattice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Replicas converge whatever happens in between: 2 to 5 replicas on real files make random writes of every kind
 * (including increments of a counter column),
 * sync in random pairs, partially (small batches, so relays carry half-finished work onward), receive stale batches
 * again, and finally sync fully. Every replica must then hold identical rows, identical cell versions, an identical
 * version vector and an identical Merkle root, and no replica's writes may be missing. Along the way, each replica's
 * incrementally kept root must match one computed afresh from its state, and before the final sync two replicas'
 * roots must be equal exactly when their cell versions are. jqwik prints the seed of a failing case; rerun it with
 * {@code -Djqwik.seeds.whenfixed=ALLOW_RANDOM_SEEDS} and {@code @Property(seed = "...")}.
 */
class ConvergenceProperties {
  /** {@code n} merges as a counter, the other columns last-writer-wins. */
  static final String TABLE = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b REAL, c BLOB, n INTEGER)";
  static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");
  static final java.util.Set<String> COUNTERS = java.util.Set.of("n");

  sealed interface Action {}

  /** Replica {@code at} runs {@code sql} with {@code args}; a constraint failure is part of the game. */
  record Write(int at, String sql, List<Object> args) implements Action {}

  record Sync(int from, int to, int batchCells) implements Action {}

  /** Remember what replica {@code at} would send now, to deliver it again later. */
  record Snapshot(int at) implements Action {}

  record Redeliver(int snapshot, int to) implements Action {}

  /** Replica {@code at}'s Merkle root, brought up to date incrementally, must describe its state exactly. */
  record CheckRoot(int at) implements Action {}

  /**
   * Every replica syncs, then replica {@code at} learns the stable point, as a server finds it (every replica's vector,
   * pointwise least), and drops the tombstones under it; redelivered older snapshots must not bring them back.
   */
  record Compact(int at) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> replica = Arbitraries.integers().between(0, 4);
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<Object> a = Arbitraries.<Object>of("x", "y", 7L, "").injectNull(0.2);
    Arbitrary<Object> b = Arbitraries.of(0.1 + 0.2, -0.0, 1e300, 2.5).injectNull(0.2).map(v -> (Object) v);
    Arbitrary<Object> c = Arbitraries.of(new byte[] {0, 1}, new byte[] {(byte) 0xff}).injectNull(0.3)
        .map(v -> (Object) v);
    Arbitrary<Action> write = Arbitraries.oneOf(
        Combinators.combine(replica, key, a, b, c).as((r, k, va, vb, vc) ->
            new Write(r, "INSERT OR IGNORE INTO t VALUES (?, ?, ?, ?, 1)", list(k, va, vb, vc))),
        Combinators.combine(replica, key, a, b).as((r, k, va, vb) ->
            new Write(r, "INSERT OR REPLACE INTO t VALUES (?, ?, ?, NULL, NULL)", list(k, va, vb))),
        Combinators.combine(replica, key, a).as((r, k, va) ->
            new Write(r, "INSERT INTO t VALUES (?, ?, NULL, NULL, 0) ON CONFLICT(id) DO UPDATE SET a = excluded.a",
                list(k, va))),
        Combinators.combine(replica, key, Arbitraries.integers().between(-3, 5)).as((r, k, by) ->
            new Write(r, "UPDATE t SET n = coalesce(n, 0) + ? WHERE id = ?", list((long) by, k))),
        Combinators.combine(replica, key, a).as((r, k, va) -> new Write(r, "UPDATE t SET a = ? WHERE id = ?",
            list(va, k))),
        Combinators.combine(replica, key, b).as((r, k, vb) -> new Write(r, "UPDATE t SET b = ? WHERE id = ?",
            list(vb, k))),
        Combinators.combine(replica, key).as((r, k) -> new Write(r, "DELETE FROM t WHERE id = ?", list(k))),
        Combinators.combine(replica, key, key).as((r, from, to) -> new Write(r, "UPDATE t SET id = ? WHERE id = ?",
            list(to, from))));
    Arbitrary<Action> sync = Combinators.combine(replica, replica, Arbitraries.integers().between(1, 12))
        .as(Sync::new);
    Arbitrary<Action> snapshot = replica.map(Snapshot::new);
    Arbitrary<Action> redeliver = Combinators.combine(Arbitraries.integers().between(0, 9), replica)
        .as(Redeliver::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, write), net.jqwik.api.Tuple.of(3, sync), net.jqwik.api.Tuple.of(1, snapshot),
        net.jqwik.api.Tuple.of(1, redeliver), net.jqwik.api.Tuple.of(1, replica.map(CheckRoot::new)),
        net.jqwik.api.Tuple.of(1, replica.map(Compact::new)))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  private static List<Object> list(Object... values) {
    List<Object> list = new ArrayList<>();
    java.util.Collections.addAll(list, values);
    return list;
  }

  @Property(tries = 2000)
  void replicasConverge(@ForAll @IntRange(min = 2, max = 5) int count, @ForAll("actions") List<Action> actions)
      throws Exception {
    Path dir = Files.createTempDirectory("lattice-convergence");
    List<TestDatabase> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        TestDatabase db = TestDatabase.create(dir, "r" + i + ".db", TABLE);
        db.replica().track("t", TrackOptions.counters("n"));
        replicas.add(db);
      }
      List<ChangeBatch> snapshots = new ArrayList<>();
      for (Action action : actions) {
        run(action, replicas, snapshots);
      }
      TestDatabase first = replicas.get(0);
      for (TestDatabase other : replicas.subList(1, count)) {
        assertEquals(first.cells().equals(other.cells()),
            first.replica().merkleRoot().equals(other.replica().merkleRoot()),
            () -> "equal roots must mean equal cell versions, and only that; actions: " + actions);
      }
      fullSync(replicas);

      for (TestDatabase other : replicas.subList(1, count)) {
        assertEquals(rows(first), rows(other), () -> "rows differ; actions: " + actions);
        assertEquals(first.cells(), other.cells(), () -> "cells differ; actions: " + actions);
        assertEquals(first.replica().versionVector(), other.replica().versionVector(), "vectors differ");
        assertEquals(first.replica().merkleRoot(), other.replica().merkleRoot(), "Merkle roots differ");
      }
      assertEquals(first.expectedRoot(COUNTERS), first.replica().merkleRoot(), "root does not describe the state");
      VersionVector vector = first.replica().versionVector();
      for (TestDatabase replica : replicas) {
        assertEquals(replica.replica().versionVector().get(replica.replica().siteId()),
            vector.get(replica.replica().siteId()), "every replica's writes reached everyone");
      }
    } finally {
      for (TestDatabase db : replicas) {
        db.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Action action, List<TestDatabase> replicas, List<ChangeBatch> snapshots)
      throws SQLException {
    int n = replicas.size();
    if (action instanceof Write w) {
      try (var p = replicas.get(w.at() % n).connection().prepareStatement(w.sql())) {
        for (int i = 0; i < w.args().size(); i++) {
          p.setObject(i + 1, w.args().get(i));
        }
        p.executeUpdate();
      } catch (SQLException constraint) {
        // a key change onto an existing key: the statement and its capture rolled back together
      }
    } else if (action instanceof Sync s && s.from() % n != s.to() % n) {
      replicas.get(s.to() % n).replica().syncWith(replicas.get(s.from() % n).replica(), s.batchCells());
    } else if (action instanceof Snapshot s) {
      snapshots.add(MergeTest.batchOfEverything(replicas.get(s.at() % n)));
    } else if (action instanceof Redeliver r && !snapshots.isEmpty()) {
      replicas.get(r.to() % n).replica().apply(snapshots.get(r.snapshot() % snapshots.size()));
    } else if (action instanceof Compact compact) {
      fullSync(replicas);
      Map<SiteId, Long> least = new HashMap<>(replicas.get(0).replica().versionVector().entries());
      for (TestDatabase db : replicas) {
        VersionVector vector = db.replica().versionVector();
        least.replaceAll((site, seq) -> Math.min(seq, vector.get(site)));
      }
      long dropped = replicas.get(compact.at() % n).replica().adoptStablePoint(VersionVector.of(least));
      Statistics.label("compaction").collect(dropped > 0 ? "dropped tombstones" : "nothing to drop");
    } else if (action instanceof CheckRoot check) {
      TestDatabase db = replicas.get(check.at() % n);
      assertEquals(db.expectedRoot(COUNTERS), db.replica().merkleRoot(), "incrementally kept root is wrong");
    }
  }

  /** Two rounds of a ring of syncs reach everyone from everyone. */
  static void fullSync(List<TestDatabase> replicas) throws SQLException {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < replicas.size(); i++) {
        replicas.get(i).replica().syncWith(replicas.get((i + 1) % replicas.size()).replica());
      }
    }
  }

  static List<List<Object>> rows(TestDatabase db) throws SQLException {
    List<List<Object>> rows = db.query("SELECT id, a, b, hex(c), n FROM t ORDER BY id");
    for (List<Object> row : rows) {
      if (row.get(2) instanceof Double d) {
        row.set(2, Double.doubleToRawLongBits(d)); // bit-for-bit
      }
    }
    return rows;
  }
}
