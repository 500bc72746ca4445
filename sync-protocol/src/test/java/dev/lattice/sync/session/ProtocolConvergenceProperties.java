package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeStream;
import dev.lattice.driver.Replica;
import dev.lattice.sync.SyncException;
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
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Replicas converge through the protocol, whatever the network does: 2 to 4 devices on real files, encrypted or not,
 * make random writes
 * of every kind, sync in random pairs over a transport that loses requests and replies, duplicates them, replays
 * earlier ones out of order and truncates replies, with small batches so that interrupted syncs leave
 * half-finished work behind. A sync that fails is simply left failed. Now and then every device syncs and one is then
 * given the space's stable point as a relay finds it (the pointwise minimum of every device's vector) and drops the
 * tombstones at or below it, so devices that dropped different amounts must agree again through the protocol. At the end, syncs over a sound transport in a
 * ring must leave every device with identical rows, cell versions, version vectors and Merkle roots, and no device's
 * writes missing. jqwik prints the seed of a failing case.
 */
class ProtocolConvergenceProperties {
  sealed interface Action {}

  record Write(int at, String sql, List<Object> args) implements Action {}

  record Sync(int asker, int responder, int batchCells, long faultSeed, double faultRate) implements Action {}

  record Compact(int at) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> device = Arbitraries.integers().between(0, 3);
    Arbitrary<String> key = Arbitraries.of("k0", "k1", "k2", "k3");
    Arbitrary<Object> a = Arbitraries.<Object>of("x", "y", 7L, "").injectNull(0.2);
    Arbitrary<Object> b = Arbitraries.of(0.5, -0.0, 1e300).injectNull(0.2).map(v -> (Object) v);
    Arbitrary<Action> write = Arbitraries.oneOf(
        Combinators.combine(device, key, a, b).as((d, k, va, vb) ->
            new Write(d, "INSERT OR REPLACE INTO t VALUES (?, ?, ?, x'01', 1)", java.util.Arrays.asList(k, va, vb))),
        Combinators.combine(device, key, Arbitraries.integers().between(-2, 5)).as((d, k, by) ->
            new Write(d, "UPDATE t SET n = coalesce(n, 0) + ? WHERE id = ?", List.of((long) by, k))),
        Combinators.combine(device, key, a).as((d, k, va) ->
            new Write(d, "UPDATE t SET a = ? WHERE id = ?", java.util.Arrays.asList(va, k))),
        Combinators.combine(device, key).as((d, k) -> new Write(d, "DELETE FROM t WHERE id = ?", List.of(k))));
    Arbitrary<Action> sync = Combinators.combine(device, device, Arbitraries.integers().between(1, 12),
        Arbitraries.longs(), Arbitraries.of(0.0, 0.3, 0.6)).as(Sync::new);
    Arbitrary<Action> delete = Combinators.combine(device, key).as((d, k) ->
        new Write(d, "DELETE FROM t WHERE id = ?", List.of(k))); // more often: tombstones to compact
    Arbitrary<Action> compact = device.map(Compact::new);
    return Arbitraries.frequencyOf(Tuple.of(3, write), Tuple.of(1, delete), Tuple.of(2, sync), Tuple.of(1, compact))
        .list().ofMinSize(8).ofMaxSize(30);
  }

  @Property(tries = 150)
  void devicesConvergeThroughTheProtocolDespiteFaults(@ForAll @IntRange(min = 2, max = 4) int count,
      @ForAll boolean encrypted, @ForAll("actions") List<Action> actions) throws Exception {
    Path dir = Files.createTempDirectory("lattice-protocol");
    List<Device> devices = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String name = "d" + i + ".db";
        devices.add(encrypted ? Device.encrypted(dir, name, "one space") : Device.create(dir, name));
      }
      for (Action action : actions) {
        run(action, devices);
      }
      ring(devices);
      Device first = devices.get(0);
      for (Device other : devices.subList(1, count)) {
        assertEquals(first.rows(), other.rows(), () -> "rows differ; actions: " + actions);
        assertEquals(first.cells(), other.cells(), () -> "cells differ; actions: " + actions);
        assertEquals(first.vector(), other.vector(), "vectors differ");
        assertEquals(first.root(), other.root(), "Merkle roots differ");
      }
      for (Device d : devices) {
        VersionVector stable = Replica.of(d.app).stablePoint();
        try (ChangeStream cells = Replica.of(d.app).changesSince(VersionVector.empty())) {
          for (Change c; (c = cells.next()) != null; ) {
            assertFalse(c.isRowCell() && c.cl() % 2 == 0 && stable.covers(c.site(), c.seq()),
                "a tombstone at or below the stable point was kept: " + c);
          }
        }
      }
      for (Device d : devices) {
        var site = d.store.replica().siteId();
        assertEquals(d.vector().get(site), first.vector().get(site), "every device's writes reached everyone");
      }
    } finally {
      for (Device d : devices) {
        d.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Two rounds of a ring of sound syncs: everyone holds everything. */
  private static void ring(List<Device> devices) throws SyncException {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < devices.size(); i++) {
        devices.get(i).syncWith(devices.get((i + 1) % devices.size()));
      }
    }
  }

  private static VersionVector min(VersionVector a, VersionVector b) {
    Map<SiteId, Long> entries = new HashMap<>();
    a.entries().forEach((site, seq) -> entries.put(site, Math.min(seq, b.get(site))));
    return VersionVector.of(entries);
  }

  private static void run(Action action, List<Device> devices) throws SQLException, SyncException {
    int n = devices.size();
    if (action instanceof Compact c) {
      ring(devices); // as a server would see it: every device holding what the others wrote
      VersionVector point = null;
      for (Device d : devices) {
        point = point == null ? d.vector() : min(point, d.vector());
      }
      long dropped = Replica.of(devices.get(c.at() % n).app).adoptStablePoint(point);
      Statistics.label("compaction").collect(dropped > 0 ? "dropped tombstones" : "nothing to drop");
    } else if (action instanceof Write w) {
      try {
        devices.get(w.at() % n).exec(w.sql(), w.args().toArray());
      } catch (SQLException constraint) {
        // part of the game: the statement and its capture rolled back together
      }
    } else if (action instanceof Sync s && s.asker() % n != s.responder() % n) {
      Device asker = devices.get(s.asker() % n);
      FaultyTransport network = new FaultyTransport(asker.to(devices.get(s.responder() % n)))
          .random(s.faultSeed(), s.faultRate());
      try {
        SyncSession.run(asker.store, network, SyncOptions.DEFAULTS.withBatchCells(s.batchCells()));
      } catch (SyncException broken) {
        if (s.faultRate() == 0) {
          throw new AssertionError("a sync over a sound transport failed", broken);
        }
      }
    }
  }
}
