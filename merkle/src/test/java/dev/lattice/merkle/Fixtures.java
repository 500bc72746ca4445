package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Shared test material: seeded random cell ids, versions that are plain counters, trees built from a model map, and
 * an in-memory driver for reconciliation sessions that keeps every message.
 */
final class Fixtures {
  private Fixtures() {}

  /** A uniformly random cell id, as a hash output would be. */
  static CellId randomCell(Random random) {
    byte[] bytes = new byte[CellId.BYTES];
    random.nextBytes(bytes);
    return CellId.of(bytes);
  }

  /** The canonical bytes of version {@code counter}: what {@link MerkleTree#put(CellId, byte[], Object)} hashes. */
  static byte[] version(long counter) {
    byte[] out = new byte[8];
    Bits.putLong(out, 0, counter);
    return out;
  }

  static Digest hash(CellId cell, long counter) {
    return Digest.ofItem(cell, version(counter));
  }

  /** A tree holding exactly {@code model}'s cells at its versions, each tagged with its version counter. */
  static MerkleTree<Long> tree(Map<CellId, Long> model) {
    MerkleTree<Long> tree = new MerkleTree<>();
    model.forEach((cell, counter) -> tree.put(cell, version(counter), counter));
    return tree;
  }

  /** The items of {@code model} as cell to hash, in cell id order. */
  static TreeMap<CellId, Digest> hashes(Map<CellId, Long> model) {
    TreeMap<CellId, Digest> out = new TreeMap<>();
    model.forEach((cell, counter) -> out.put(cell, hash(cell, counter)));
    return out;
  }

  /** The items of {@code a} that {@code b} does not hold in the same version: what {@code a} must send. */
  static Map<CellId, Digest> minus(Map<CellId, Long> a, Map<CellId, Long> b) {
    Map<CellId, Digest> out = new HashMap<>();
    a.forEach((cell, counter) -> {
      if (!counter.equals(b.get(cell))) {
        out.put(cell, hash(cell, counter));
      }
    });
    return out;
  }

  /** Fails unless the two item sets are equal, naming how many and a few of the items missing and extra. */
  static void assertSameItems(Map<CellId, Digest> expected, Map<CellId, Digest> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    List<String> missing = new ArrayList<>();
    expected.forEach((cell, hash) -> {
      if (!hash.equals(actual.get(cell))) {
        missing.add(cell + "=" + hash);
      }
    });
    List<String> extra = new ArrayList<>();
    actual.forEach((cell, hash) -> {
      if (!hash.equals(expected.get(cell))) {
        extra.add(cell + "=" + hash);
      }
    });
    fail(what + ": expected " + expected.size() + " items, got " + actual.size() + "; " + missing.size()
        + " missing " + missing.subList(0, Math.min(3, missing.size())) + ", " + extra.size() + " extra "
        + extra.subList(0, Math.min(3, extra.size())));
  }

  /** The sum of the hashes of {@code items}, computed the slow way. */
  static NodeSummary bruteForce(Map<CellId, Digest> items, NodeAddress node) {
    long count = 0;
    Digest sum = Digest.ZERO;
    for (Map.Entry<CellId, Digest> e : items.entrySet()) {
      if (node.contains(e.getKey())) {
        count++;
        sum = sum.plus(e.getValue());
      }
    }
    return new NodeSummary(count, sum);
  }

  /** The node at {@code depth} that holds {@code cell}. */
  static NodeAddress nodeOf(CellId cell, int depth) {
    NodeAddress node = NodeAddress.ROOT;
    for (int d = 0; d < depth; d++) {
      node = node.child(cell.nibble(d));
    }
    return node;
  }

  /**
   * Two replicas' items: {@code base} cells both hold at the same version, {@code onlyA} cells only A holds,
   * {@code onlyB} only B holds, and {@code changed} base cells B holds at another version, newer or older at random.
   */
  record Replicas(Map<CellId, Long> a, Map<CellId, Long> b) {
    static Replicas random(long seed, int base, int onlyA, int onlyB, int changed) {
      Random random = new Random(seed);
      Map<CellId, Long> a = new HashMap<>();
      Map<CellId, Long> b = new HashMap<>();
      List<CellId> shared = new ArrayList<>(base);
      while (shared.size() < base) {
        CellId cell = randomCell(random);
        long counter = 1 + random.nextInt(1_000_000);
        if (a.putIfAbsent(cell, counter) == null) {
          b.put(cell, counter);
          shared.add(cell);
        }
      }
      addNew(random, a, b, onlyA);
      addNew(random, b, a, onlyB);
      Collections.shuffle(shared, random);
      for (CellId cell : shared.subList(0, Math.min(changed, base))) {
        long counter = a.get(cell);
        b.put(cell, random.nextBoolean() ? counter + 1 + random.nextInt(1_000) : counter - 1);
      }
      return new Replicas(a, b);
    }

    private static void addNew(Random random, Map<CellId, Long> to, Map<CellId, Long> other, int n) {
      for (int added = 0; added < n; ) {
        CellId cell = randomCell(random);
        if (!to.containsKey(cell) && !other.containsKey(cell)) {
          to.put(cell, 1 + (long) random.nextInt(1_000_000));
          added++;
        }
      }
    }

    MerkleTree<Long> treeA() {
      return tree(a);
    }

    MerkleTree<Long> treeB() {
      return tree(b);
    }

    /** What A must send: its items B does not hold in the same version. */
    Map<CellId, Digest> aMinusB() {
      return minus(a, b);
    }

    Map<CellId, Digest> bMinusA() {
      return minus(b, a);
    }
  }

  /**
   * Applies what a session found: each side puts the items the other sent, keeping per cell the higher version
   * counter (last writer wins), as a real merge would. Plain replacement would swap the two versions of a cell both
   * sides hold, and the roots would still differ.
   */
  static void applyExchange(Session<Long> session, MerkleTree<Long> a, MerkleTree<Long> b) {
    List<Item<Long>> fromA = session.itemsFrom(session.initiator);
    List<Item<Long>> fromB = session.itemsFrom(session.responder);
    merge(fromA, b);
    merge(fromB, a);
  }

  private static void merge(List<Item<Long>> items, MerkleTree<Long> into) {
    for (Item<Long> item : items) {
      Item<Long> mine = into.get(item.cell());
      if (mine == null || mine.tag() < item.tag()) {
        into.put(item.cell(), item.hash(), item.tag());
      }
    }
  }

  /**
   * One reconciliation session run to its end in memory: the initiator holds tree {@code a}, the responder tree
   * {@code b}. Every message is kept, in order (even indexes from the initiator).
   */
  static final class Session<T> {
    final Reconciliation<T> initiator;
    final Reconciliation<T> responder;
    final List<byte[]> messages = new ArrayList<>();

    Session(MerkleTree<T> a, MerkleTree<T> b, ReconcileLimits limits, long salt) {
      initiator = Reconciliation.initiate(a, limits, salt);
      responder = Reconciliation.respond(b, limits);
    }

    static <T> Session<T> run(MerkleTree<T> a, MerkleTree<T> b, ReconcileLimits limits) {
      Session<T> s = new Session<>(a, b, limits, 0x5eed_5a17L);
      s.runToEnd();
      return s;
    }

    /** Exchanges messages until one side answers null. */
    Session<T> runToEnd() {
      byte[] message = initiator.firstMessage();
      Reconciliation<T> turn = responder;
      while (message != null) {
        messages.add(message);
        message = turn.receive(message);
        turn = turn == initiator ? responder : initiator;
      }
      return this;
    }

    /** Messages until the session ended, both ways. */
    int messageCount() {
      return messages.size();
    }

    long bytes(boolean fromInitiator) {
      long n = 0;
      for (int i = fromInitiator ? 0 : 1; i < messages.size(); i += 2) {
        n += messages.get(i).length;
      }
      return n;
    }

    int largestMessage() {
      return messages.stream().mapToInt(m -> m.length).max().orElse(0);
    }

    /** What the initiator found to send, cell to hash; fails if it would send one cell twice. */
    Map<CellId, Digest> sentByInitiator() {
      return toSend(initiator);
    }

    Map<CellId, Digest> sentByResponder() {
      return toSend(responder);
    }

    List<Item<T>> itemsFrom(Reconciliation<T> side) {
      List<Item<T>> out = new ArrayList<>();
      side.forEachToSend(out::add);
      return out;
    }

    private Map<CellId, Digest> toSend(Reconciliation<T> side) {
      Map<CellId, Digest> out = new HashMap<>();
      side.forEachToSend(item -> {
        if (out.put(item.cell(), item.hash()) != null) {
          fail("cell " + item.cell() + " would be sent twice");
        }
      });
      return out;
    }

    /** Every message sent was received, and the byte counters match what went over the wire. */
    void assertCountersAgree() {
      assertEquals(messages.size(), initiator.messagesSent() + responder.messagesSent());
      assertEquals(initiator.messagesSent(), responder.messagesReceived());
      assertEquals(responder.messagesSent(), initiator.messagesReceived());
      assertEquals(bytes(true), initiator.bytesSent());
      assertEquals(bytes(false), responder.bytesSent());
      assertEquals(bytes(true), responder.bytesReceived());
      assertEquals(bytes(false), initiator.bytesReceived());
    }
  }
}
