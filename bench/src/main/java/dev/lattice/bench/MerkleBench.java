package dev.lattice.bench;

import static dev.lattice.bench.BenchSupport.argument;
import static dev.lattice.bench.BenchSupport.millisSince;
import static dev.lattice.bench.BenchSupport.number;

import dev.lattice.merkle.CellId;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.merkle.Digest;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.ReconcileLimits;
import dev.lattice.merkle.Reconciliation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What reconciling two replicas of a million cells costs on the wire: messages, round trips and bytes each way for a
 * session between two in-memory {@link MerkleTree}s that hold the same cells except for a known difference, and a
 * check that the session located exactly that difference. Also the time to build a tree of that size and to keep it up
 * to date under single writes. Nothing here touches SQLite or a network: the figures are the protocol's own.
 *
 * <p>Replica A's state is {@code --items} cells ({@code items / 4} rows of table {@code t}, columns {@code c0} to
 * {@code c3}, unkeyed ids), cell {@code i} written at clock {@code i + 1}. Replica B starts as a copy of A; each
 * scenario changes one side, runs one fresh session (A initiates, B responds, {@link ReconcileLimits#DEFAULT}, a fixed
 * salt) and changes it back. The true difference is computed from the two replicas' version arrays, not from the
 * trees.
 */
public final class MerkleBench {
  static final String USAGE = """
      usage: bench/run merkle [--items N] [--updates N]
        --items N     cells each replica holds (default 1000000, at least 20000)
        --updates N   single put() updates timed on a full tree (default 100000)""";

  private static final long SEED = 20_261_122L;
  private static final long SALT = 0x1a77_1ce5_a17L;
  private static final int COLUMNS = 4;
  private static final int MANY = 10_000;

  private static final String HEADER = String.format(Locale.ROOT,
      "%-34s %5s %5s %6s %11s %11s %9s %9s %-6s %8s  %-30s %s", "scenario", "A>B", "B>A", "trips", "bytes A>B",
      "bytes B>A", "found A>B", "found B>A", "check", "ms", "goal", "verdict");

  private final int items;
  private final int updates;
  private final CellId[] cells;
  /** The clock of each cell's version on each replica; 0 where the replica does not hold the cell. */
  private final long[] versionA;
  private final long[] versionB;
  private final MerkleTree<Void> a = new MerkleTree<>();
  private final MerkleTree<Void> b = new MerkleTree<>();
  private final Random random = new Random(SEED);
  /** The last clock value written: the "hlc" of the next write is one more. */
  private long clock;
  private int missed;
  private int wrong;

  record Options(int items, int updates) {
    /** Parses the command line; null for --help. */
    static Options parse(String[] args) {
      int items = 1_000_000;
      int updates = 100_000;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        switch (option) {
          case "-h", "--help" -> {
            return null;
          }
          case "--items" -> items = number(option, argument(args, ++i, option), 2 * MANY);
          case "--updates" -> updates = number(option, argument(args, ++i, option), 1);
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
      return new Options(items, updates);
    }

  }

  /** A scenario's targets: at most this many round trips and protocol bytes (both ways), or no goal. */
  private record Goal(String text, int maxRoundTrips, long maxBytes) {
    static final Goal NONE = new Goal("-", Integer.MAX_VALUE, Long.MAX_VALUE);

    boolean met(int roundTrips, long bytes) {
      return roundTrips <= maxRoundTrips && bytes <= maxBytes;
    }
  }

  /** What one session did. */
  private record Outcome(int messagesAtoB, int messagesBtoA, long bytesAtoB, long bytesBtoA, int foundAtoB,
      int foundBtoA, boolean exact, String mismatch, double millis) {
    int messages() {
      return messagesAtoB + messagesBtoA;
    }

    int roundTrips() {
      return (messages() + 1) / 2;
    }

    long bytes() {
      return bytesAtoB + bytesBtoA;
    }
  }

  private MerkleBench(Options options) {
    this.items = options.items();
    this.updates = options.updates();
    this.cells = new CellId[items];
    this.versionA = new long[items];
    this.versionB = new long[items];
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("merkle: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    MerkleBench bench = new MerkleBench(options);
    bench.run();
    if (bench.wrong > 0) {
      System.err.println("merkle: " + bench.wrong + " session(s) did not locate exactly the true difference");
      System.exit(1);
    }
  }

  /**
   * The canonical bytes of the version written at clock {@code hlc}: 8 to 40 bytes (as a last-writer-wins version
   * with its site and sequence number, or a counter's contributions, would be), the clock first.
   */
  static byte[] version(long hlc) {
    byte[] out = new byte[8 + (int) (hlc % 33)];
    for (int i = 0; i < out.length; i++) {
      out[i] = i < 8 ? (byte) (hlc >>> (56 - 8 * i)) : (byte) (hlc * 31 + i);
    }
    return out;
  }

  private void run() {
    ReconcileLimits limits = ReconcileLimits.DEFAULT;
    System.out.printf(Locale.ROOT, """
        Lattice Merkle reconciliation benchmark: JVM %s, %d cores, max heap %,d MB
        Replicas of %,d cells (%,d rows x %d columns of table t, unkeyed cell ids); versions of 8-40 bytes from an \
        increasing clock.
        Each scenario: one fresh in-memory session, A initiates, B responds, ReconcileLimits.DEFAULT (%d-byte \
        fingerprints, leaves of %d items, messages <= %,d bytes and %,d items, <= %d messages), salt %#x.
        trips = round trips = ceil(messages until the session ends / 2); found = items located to send that way; \
        check = found equals the true difference item for item.%n%n""", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, items, ceilDiv(items,
            COLUMNS), COLUMNS, limits.fingerprintBytes(), limits.leafItems(), limits.maxMessageBytes(),
        limits.maxItemsPerMessage(), limits.maxMessages(), SALT);

    long start = System.nanoTime();
    CellIdHasher hasher = CellIdHasher.unkeyed();
    for (int i = 0; i < items; i++) {
      byte[] pk = new byte[8];
      long row = i / COLUMNS;
      for (int k = 0; k < 8; k++) {
        pk[k] = (byte) (row >>> (56 - 8 * k));
      }
      cells[i] = hasher.cell("t", pk, "c" + (i % COLUMNS));
    }
    double idMs = millisSince(start);

    warmUp();
    start = System.nanoTime();
    for (int i = 0; i < items; i++) {
      versionA[i] = i + 1;
      a.put(cells[i], version(versionA[i]), null);
    }
    double buildMs = millisSince(start);
    clock = items;
    for (int i = 0; i < items; i++) {
      versionB[i] = versionA[i];
      b.put(cells[i], version(versionB[i]), null);
    }
    if (!a.root().equals(b.root())) {
      throw new IllegalStateException("two replicas built from the same writes have different roots");
    }
    System.gc();
    long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf(Locale.ROOT, "cell ids: %,d HMAC-SHA-256 in %,.0f ms (%.2f us each)%n", items, idMs,
        1000 * idMs / items);
    System.out.printf(Locale.ROOT, "build: %,d put() into an empty tree in %,.0f ms (%.2f us per put, SHA-256 of the"
        + " version included); heap with both replicas' trees and the bench's arrays: %,d MB%n", items, buildMs,
        1000 * buildMs / items, heap >> 20);
    System.out.println();

    System.out.println(HEADER);
    scenario("identical", new Goal("<= 512 B, one exchange", 1, 512), () -> { });
    scenario("1 cell, newest write (B: previous)", new Goal("<= 3 trips, <= 2,000 B", 3, 2_000),
        () -> updateOnA(distinctRandom(1)));
    scenario("1 old cell (B lacks first write)", new Goal("<= 3 trips, <= 2,000 B", 3, 2_000),
        () -> set(versionB, b, 0, 0));
    scenario("10 random (B: previous)", Goal.NONE, () -> updateOnA(distinctRandom(10)));
    scenario(String.format(Locale.ROOT, "%,d random (B: previous)", MANY),
        new Goal("<= 3 trips, <= 1,000,000 B", 3, 1_000_000), () -> updateOnA(distinctRandom(MANY)));
    scenario(String.format(Locale.ROOT, "%,d newest (B lacks them)", MANY), Goal.NONE, () -> {
      for (int i = items - MANY; i < items; i++) {
        set(versionB, b, i, 0);
      }
    });
    System.out.println("""
        (B: previous) = A wrote new versions of those cells after B last synced: B holds their previous versions, so \
        each side
        locates its own version of each. "1 old cell": B never got the write at clock 1, A's oldest. "newest": B \
        lacks the cells
        of A's last 10,000 writes (inserts at clocks items-9,999 to items) altogether.""");

    System.out.println();
    System.out.printf(Locale.ROOT, "Leaf size and fingerprint width, the same %,d random differences each time"
        + " (a depth-4 node holds about %,d items, a depth-3 node about %,d):%n", MANY, items >> 16, items >> 12);
    System.out.println(HEADER.replace("scenario                          ", "limits                            "));
    List<Integer> changed = distinctRandom(MANY);
    for (int leaf : new int[] {8, 16, 32, 64, 256}) {
      for (int width : new int[] {4, 8}) {
        scenario(String.format(Locale.ROOT, "leaves of %d, %d-byte fingerprints", leaf, width), Goal.NONE,
            () -> updateOnA(changed), limits.withLeafItems(leaf).withFingerprintBytes(width));
      }
    }

    System.out.println();
    System.out.println("What sets the round trips: the same differences under other limits (4-byte fingerprints):");
    System.out.println(HEADER.replace("scenario                          ", "differences, limits               "));
    List<Integer> one = distinctRandom(1);
    ReconcileLimits uncapped = limits.withMaxMessageBytes(1 << 26).withMaxItemsPerMessage(1 << 24);
    scenario("1 random, default limits", Goal.NONE, () -> updateOnA(one), limits);
    scenario("1 random, leaves of 256", Goal.NONE, () -> updateOnA(one), limits.withLeafItems(256));
    scenario("1 random, leaves of 4096", Goal.NONE, () -> updateOnA(one), limits.withLeafItems(4096));
    scenario(String.format(Locale.ROOT, "%,d random, default limits", MANY), Goal.NONE, () -> updateOnA(changed),
        limits);
    scenario(String.format(Locale.ROOT, "%,d random, no message caps", MANY), Goal.NONE, () -> updateOnA(changed),
        uncapped);
    scenario(String.format(Locale.ROOT, "%,d random, no caps, leaves 256", MANY), Goal.NONE,
        () -> updateOnA(changed), uncapped.withLeafItems(256));
    System.out.println("""
        (no message caps = maxMessageBytes 64 MiB and maxItemsPerMessage 16,777,216 instead of 1 MiB and 262,144.)""");

    System.out.println();
    List<Integer> targets = new ArrayList<>(updates);
    for (int i = 0; i < updates; i++) {
      targets.add(random.nextInt(items));
    }
    start = System.nanoTime();
    for (int i : targets) {
      versionA[i] = ++clock;
      a.put(cells[i], version(versionA[i]), null);
    }
    double updateMs = millisSince(start);
    System.out.printf(Locale.ROOT, "incremental: %,d put() updates of random existing cells of a %,d-item tree in %,.0f"
        + " ms (%.2f us per put, SHA-256 of the version included)%n", updates, items, updateMs, 1000 * updateMs
        / updates);

    System.out.printf(Locale.ROOT, "%n%d goal(s) missed; %s%n", missed,
        wrong == 0 ? "every session located exactly the true difference."
            : wrong + " session(s) did NOT locate exactly the true difference.");
  }

  private void scenario(String name, Goal goal, Runnable change) {
    scenario(name, goal, change, ReconcileLimits.DEFAULT);
  }

  /** Applies {@code change}, runs one session, prints its line, and restores both replicas. */
  private void scenario(String name, Goal goal, Runnable change, ReconcileLimits limits) {
    long[] savedA = versionA.clone();
    long[] savedB = versionB.clone();
    change.run();
    Outcome o = session(limits);
    restore(versionA, savedA, a);
    restore(versionB, savedB, b);
    if (!a.root().equals(b.root())) {
      throw new IllegalStateException("the replicas were not restored after scenario " + name);
    }
    boolean met = goal.met(o.roundTrips(), o.bytes());
    if (!met) {
      missed++;
    }
    if (!o.exact()) {
      wrong++;
    }
    String verdict = goal == Goal.NONE ? "-" : met ? "ok" : "MISSED: " + shortfall(goal, o);
    System.out.println(String.format(Locale.ROOT, "%-34s %5d %5d %6d %,11d %,11d %,9d %,9d %-6s %,8.0f  %-30s %s",
        name, o.messagesAtoB(), o.messagesBtoA(), o.roundTrips(), o.bytesAtoB(), o.bytesBtoA(), o.foundAtoB(),
        o.foundBtoA(), o.exact() ? "exact" : "WRONG", o.millis(), goal.text(), verdict).stripTrailing());
    if (!o.exact()) {
      System.out.println("  ^ WRONG: " + o.mismatch());
    }
  }

  private static String shortfall(Goal goal, Outcome o) {
    List<String> parts = new ArrayList<>();
    if (o.roundTrips() > goal.maxRoundTrips()) {
      parts.add(String.format(Locale.ROOT, "%d trip(s) over", o.roundTrips() - goal.maxRoundTrips()));
    }
    if (o.bytes() > goal.maxBytes()) {
      parts.add(String.format(Locale.ROOT, "%,d B over", o.bytes() - goal.maxBytes()));
    }
    return String.join(", ", parts);
  }

  /** One session between the replicas as they are now, checked against their version arrays. */
  private Outcome session(ReconcileLimits limits) {
    long start = System.nanoTime();
    Reconciliation<Void> initiator = Reconciliation.initiate(a, limits, SALT);
    Reconciliation<Void> responder = Reconciliation.respond(b, limits);
    byte[] message = initiator.firstMessage();
    Reconciliation<Void> turn = responder;
    while (message != null) {
      message = turn.receive(message);
      turn = turn == initiator ? responder : initiator;
    }
    double millis = millisSince(start);

    Map<CellId, Digest> trueAtoB = new HashMap<>();
    Map<CellId, Digest> trueBtoA = new HashMap<>();
    for (int i = 0; i < items; i++) {
      if (versionA[i] != versionB[i]) {
        if (versionA[i] != 0) {
          trueAtoB.put(cells[i], Digest.ofItem(cells[i], version(versionA[i])));
        }
        if (versionB[i] != 0) {
          trueBtoA.put(cells[i], Digest.ofItem(cells[i], version(versionB[i])));
        }
      }
    }
    List<String> mismatch = new ArrayList<>();
    int foundAtoB = check(initiator, trueAtoB, "A>B", mismatch);
    int foundBtoA = check(responder, trueBtoA, "B>A", mismatch);
    return new Outcome(initiator.messagesSent(), responder.messagesSent(), initiator.bytesSent(),
        responder.bytesSent(), foundAtoB, foundBtoA, mismatch.isEmpty(), String.join("; ", mismatch), millis);
  }

  /** Counts what {@code side} located to send and notes every way it differs from {@code truth}. */
  private static int check(Reconciliation<Void> side, Map<CellId, Digest> truth, String way, List<String> mismatch) {
    Set<CellId> seen = new LinkedHashSet<>();
    int[] found = new int[1];
    int[] wrongItems = new int[2];
    side.forEachToSend(item -> {
      found[0]++;
      if (!seen.add(item.cell())) {
        wrongItems[0]++;
      } else if (!item.hash().equals(truth.get(item.cell()))) {
        wrongItems[1]++;
      }
    });
    long missing = truth.keySet().stream().filter(cell -> !seen.contains(cell)).count();
    if (wrongItems[0] + wrongItems[1] + missing > 0) {
      mismatch.add(String.format(Locale.ROOT, "%s: %,d true, %,d found, %,d missing, %,d not in the difference, %,d"
          + " named twice", way, truth.size(), found[0], missing, wrongItems[1], wrongItems[0]));
    }
    return found[0];
  }

  /** A writes a new version of each of {@code indexes}; B keeps the previous one. */
  private void updateOnA(List<Integer> indexes) {
    for (int i : indexes) {
      set(versionA, a, i, ++clock);
    }
  }

  private void set(long[] versions, MerkleTree<Void> tree, int i, long hlc) {
    versions[i] = hlc;
    if (hlc == 0) {
      tree.remove(cells[i]);
    } else {
      tree.put(cells[i], version(hlc), null);
    }
  }

  private void restore(long[] versions, long[] saved, MerkleTree<Void> tree) {
    for (int i = 0; i < items; i++) {
      if (versions[i] != saved[i]) {
        set(versions, tree, i, saved[i]);
      }
    }
  }

  private List<Integer> distinctRandom(int n) {
    Set<Integer> out = new LinkedHashSet<>();
    while (out.size() < n) {
      out.add(random.nextInt(items));
    }
    return new ArrayList<>(out);
  }

  /** Builds and drops a smaller tree first, so that the timed build does not pay for JIT compilation. */
  private void warmUp() {
    MerkleTree<Void> tree = new MerkleTree<>();
    for (int i = 0; i < Math.min(items, 200_000); i++) {
      tree.put(cells[i], version(i + 1), null);
    }
    for (int i = 0; i < Math.min(items, 200_000); i++) {
      tree.put(cells[i], version(i + 2), null);
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
