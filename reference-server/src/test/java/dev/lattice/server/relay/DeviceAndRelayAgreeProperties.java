package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * A device and the relay merge alike: the same batches, applied to a device's database (by its SQL merge) and to a
 * relay store (by metadata alone), leave the same winner for every cell, compared through their Merkle trees after
 * every step (equal roots mean equal cell versions). The batches come from three writers making every kind of change
 * (inserts, re-inserts after deletes, updates, deletes, counter increments, edits of each other's rows), cut small,
 * sent stale (everything a writer ever made, long after it was superseded), and delivered again later; now and then
 * the relay raises the space's stable point, the device adopts it as a sync would, and both drop tombstones under it.
 */
class DeviceAndRelayAgreeProperties {
  sealed interface Action {}

  record Write(int writer, String sql, List<Object> args) implements Action {}

  /** Writer {@code to} receives what it lacks of writer {@code from}, so later writes build on others' rows. */
  record Gossip(int from, int to) implements Action {}

  /** A batch of writer {@code writer}: what the device lacks, or ({@code stale}) everything, up to {@code cells}. */
  record Deliver(int writer, int cells, boolean stale) implements Action {}

  record Redeliver(int batch) implements Action {}

  record RaiseStablePoint() implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> writer = Arbitraries.integers().between(0, 2);
    Arbitrary<String> key = Arbitraries.of("k0", "k1", "k2");
    Arbitrary<Object> a = Arbitraries.<Object>of("x", "y", 7L).injectNull(0.2);
    Arbitrary<Action> write = Arbitraries.oneOf(
        Combinators.combine(writer, key, a).as((w, k, va) ->
            new Write(w, "INSERT OR REPLACE INTO t VALUES (?, ?, 0.5, 1)", Arrays.asList(k, va))),
        Combinators.combine(writer, key, a).as((w, k, va) ->
            new Write(w, "INSERT OR IGNORE INTO t VALUES (?, ?, NULL, NULL)", Arrays.asList(k, va))),
        Combinators.combine(writer, key, Arbitraries.integers().between(-2, 5)).as((w, k, by) ->
            new Write(w, "UPDATE t SET n = coalesce(n, 0) + ? WHERE id = ?", Arrays.asList((long) by, k))),
        Combinators.combine(writer, key, a).as((w, k, va) ->
            new Write(w, "UPDATE t SET a = ? WHERE id = ?", Arrays.asList(va, k))),
        Combinators.combine(writer, key).as((w, k) -> new Write(w, "DELETE FROM t WHERE id = ?", List.of(k))));
    Arbitrary<Action> gossip = Combinators.combine(writer, writer).as(Gossip::new);
    Arbitrary<Action> deliver = Combinators.combine(writer, Arbitraries.integers().between(1, 8),
        Arbitraries.of(false, false, true)).as(Deliver::new);
    Arbitrary<Action> redeliver = Arbitraries.integers().between(0, 20).map(Redeliver::new);
    return Arbitraries.frequencyOf(Tuple.of(5, write), Tuple.of(2, gossip), Tuple.of(4, deliver),
        Tuple.of(1, redeliver), Tuple.of(1, Arbitraries.just(new RaiseStablePoint())))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 100)
  void theSameBatchesLeaveTheSameWinnerForEveryCell(@ForAll("actions") List<Action> actions) throws Exception {
    Path dir = Files.createTempDirectory("lattice-differential");
    List<Phone> writers = new ArrayList<>();
    Phone device = null;
    try (RelayDatabase db = RelayDatabase.openSqlite(dir.resolve("relay.db"))) {
      RelayStore relay = db.space("space");
      db.knowMembers(space -> Set.of("device"));
      db.recordDeviceVectorsEvery(Duration.ZERO);
      for (int i = 0; i < 3; i++) {
        writers.add(Phone.create(dir, "w" + i + ".db", null));
      }
      device = Phone.create(dir, "device.db", null);
      List<Changes> delivered = new ArrayList<>();
      for (int step = 0; step < actions.size(); step++) {
        Action action = actions.get(step);
        run(action, writers, device, relay, delivered);
        int at = step;
        assertEquals(root(device.store.root()), root(relay.root()),
            () -> "device and relay hold different winners after step " + at + " of " + actions);
      }
      Statistics.label("stable point").collect(relay.stableVector().isEmpty() ? "none" : "raised");
    } finally {
      for (Phone p : writers) {
        p.close();
      }
      if (device != null) {
        device.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Action action, List<Phone> writers, Phone device, RelayStore relay,
      List<Changes> delivered) throws Exception {
    if (action instanceof Write w) {
      try {
        writers.get(w.writer()).exec(w.sql(), w.args().toArray());
      } catch (SQLException constraint) {
        // part of the game
      }
    } else if (action instanceof Gossip g && g.from() != g.to()) {
      Phone to = writers.get(g.to());
      to.store.apply(writers.get(g.from()).store.changesFor(to.store.vector(), 10_000));
    } else if (action instanceof Deliver d) {
      List<VectorEntry> from = d.stale() ? List.of() : device.store.vector();
      Changes batch = writers.get(d.writer()).store.changesFor(from, d.cells());
      deliver(batch, device, relay);
      delivered.add(batch);
    } else if (action instanceof Redeliver r && !delivered.isEmpty()) {
      deliver(delivered.get(r.batch() % delivered.size()), device, relay);
    } else if (action instanceof RaiseStablePoint) {
      // The device is the space's one member: what it holds, and the relay too, is everywhere.
      relay.peerHolds("device", device.store.siteId(), device.store.vector());
      device.store.adoptStable(relay.stableVector());
    }
  }

  private static void deliver(Changes batch, Phone device, RelayStore relay) throws Exception {
    device.store.apply(batch);
    relay.apply(batch);
  }

  private static String root(TreeRoot r) {
    return r.count() + ":" + HexFormat.of().formatHex(r.digest());
  }
}
