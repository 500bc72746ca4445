package dev.lattice.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.session.SyncOptions;
import dev.lattice.sync.session.SyncResponder;
import dev.lattice.sync.session.SyncSession;
import dev.lattice.sync.transport.InMemoryTransport;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.TreeRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
 * Devices that only ever sync through a relay converge, and the relay, which holds nothing but sealed envelopes and
 * their metadata, ends with the devices' Merkle root: 2 to 4 devices on real files, encrypted or not, write at random
 * (inserts, updates, deletes, counter increments) and sync with the relay in random order over a transport that loses
 * requests and replies, delivers them twice or truncates replies, in small batches. The relay knows the space's
 * devices, as the server tells it, and drops tombstones once every device has said hello holding them. Rounds of sound
 * syncs then bring every device to the same rows and root as the relay's: a round in which the relay dropped
 * tombstones leaves the devices that synced before it one round behind, so at most four rounds are allowed.
 */
class RelayConvergenceProperties {
  sealed interface Action {}

  record Write(int at, String sql, List<Object> args) implements Action {}

  record Sync(int device, int batchCells, long faultSeed, double faultRate) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> device = Arbitraries.integers().between(0, 3);
    Arbitrary<String> key = Arbitraries.of("k0", "k1", "k2");
    Arbitrary<Object> a = Arbitraries.<Object>of("x", "y", 7L).injectNull(0.2);
    Arbitrary<Action> write = Arbitraries.oneOf(
        Combinators.combine(device, key, a).as((d, k, va) ->
            new Write(d, "INSERT OR REPLACE INTO t VALUES (?, ?, 0.5, 1)", Arrays.asList(k, va))),
        Combinators.combine(device, key, Arbitraries.integers().between(-2, 5)).as((d, k, by) ->
            new Write(d, "UPDATE t SET n = coalesce(n, 0) + ? WHERE id = ?", Arrays.asList((long) by, k))),
        Combinators.combine(device, key, a).as((d, k, va) ->
            new Write(d, "UPDATE t SET a = ? WHERE id = ?", Arrays.asList(va, k))),
        Combinators.combine(device, key).as((d, k) -> new Write(d, "DELETE FROM t WHERE id = ?", List.of(k))));
    Arbitrary<Action> sync = Combinators.combine(device, Arbitraries.integers().between(1, 10), Arbitraries.longs(),
        Arbitraries.of(0.0, 0.3)).as(Sync::new);
    return Arbitraries.frequencyOf(Tuple.of(3, write), Tuple.of(2, sync)).list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 100)
  void devicesConvergeThroughARelayThatHoldsTheirRoot(@ForAll @IntRange(min = 2, max = 4) int count,
      @ForAll boolean encrypted, @ForAll("actions") List<Action> actions) throws Exception {
    Path dir = Files.createTempDirectory("lattice-relay");
    List<Phone> phones = new ArrayList<>();
    try (RelayDatabase db = RelayDatabase.openSqlite(dir.resolve("relay.db"))) {
      RelayStore relay = db.space("space");
      SyncResponder responder = new SyncResponder(relay, SyncOptions.DEFAULTS);
      Set<String> devices = new HashSet<>();
      for (int i = 0; i < count; i++) {
        phones.add(Phone.create(dir, "d" + i + ".db", encrypted ? "one space" : null));
        devices.add("d" + i);
      }
      db.knowMembers(space -> devices);
      for (Action action : actions) {
        run(action, phones, responder);
      }
      for (int round = 0; round < 4 && !converged(phones, relay); round++) {
        for (int i = 0; i < count; i++) {
          SyncSession.run(phones.get(i).store, transport(responder, i), SyncOptions.DEFAULTS);
        }
      }
      Phone first = phones.get(0);
      for (Phone other : phones) {
        assertEquals(first.rows(), other.rows(), () -> "rows differ; actions: " + actions);
        assertEquals(root(first.store.root()), root(other.store.root()), "device roots differ");
      }
      assertEquals(root(first.store.root()), root(relay.root()), () -> "the relay's root differs; " + actions);
      Statistics.label("stable point").collect(relay.stableVector().isEmpty() ? "none" : "reached");
    } finally {
      for (Phone p : phones) {
        p.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static boolean converged(List<Phone> phones, RelayStore relay) throws Exception {
    String root = root(relay.root());
    for (Phone p : phones) {
      if (!root.equals(root(p.store.root())) || !p.rows().equals(phones.get(0).rows())) {
        return false;
      }
    }
    return true;
  }

  private static void run(Action action, List<Phone> phones, SyncResponder responder) throws SQLException {
    int n = phones.size();
    if (action instanceof Write w) {
      try {
        phones.get(w.at() % n).exec(w.sql(), w.args().toArray());
      } catch (SQLException constraint) {
        // part of the game
      }
    } else if (action instanceof Sync s) {
      Transport faulty = faulty(transport(responder, s.device() % n), new Random(s.faultSeed()), s.faultRate());
      try {
        SyncSession.run(phones.get(s.device() % n).store, faulty, SyncOptions.DEFAULTS.withBatchCells(s.batchCells()));
      } catch (SyncException broken) {
        if (s.faultRate() == 0) {
          throw new AssertionError("a sync over a sound transport failed", broken);
        }
      }
    }
  }

  /** Device {@code index}'s connection to the relay, on which the relay knows it as "d{index}", as a server would. */
  private static Transport transport(SyncResponder responder, int index) {
    return new InMemoryTransport(request -> responder.handle(request, "d" + index));
  }

  /** Loses requests or replies, delivers twice, or truncates replies, each with probability {@code rate} / 4. */
  private static Transport faulty(Transport inner, Random random, double rate) {
    return request -> {
      if (random.nextDouble() >= rate) {
        return inner.exchange(request);
      }
      switch (random.nextInt(4)) {
        case 0:
          throw new IOException("request lost (injected)");
        case 1:
          inner.exchange(request);
          throw new IOException("reply lost (injected)");
        case 2:
          inner.exchange(request);
          return inner.exchange(request);
        default:
          byte[] reply = inner.exchange(request);
          return Arrays.copyOf(reply, random.nextInt(reply.length));
      }
    };
  }

  private static String root(TreeRoot r) {
    return r.count() + ":" + HexFormat.of().formatHex(r.digest());
  }
}
