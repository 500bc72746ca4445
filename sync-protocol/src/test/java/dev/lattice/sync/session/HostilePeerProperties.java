package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Ack;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Hello;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Pull;
import dev.lattice.sync.wire.Reconciled;
import dev.lattice.sync.wire.Subscribe;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.Welcome;
import dev.lattice.sync.wire.WireCodec;
import dev.lattice.sync.wire.WireCodecFuzzProperties;
import dev.lattice.sync.wire.WireException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Issue 8, the device side: a device that asks ({@link SyncSession#run}) or listens live ({@link LiveSession}) facing
 * a peer that answers with garbage. A {@link Transport} in front of a real {@link SyncResponder} over a real device's
 * store passes every request on and, with seeded randomness, replaces or alters the reply: random bytes, random CBOR
 * of the protocol's shape, valid messages of the wrong kind, failures with odd codes, bit flips, cuts and lying
 * lengths of the honest reply, structured lies (covers beyond the sender's vector, envelopes whose ids do not match
 * their payloads or that were moved, stamps from the far future, acks whose vector shrinks, welcomes whose root and
 * vector change every time, an endless {@code more=true}, reconciliation messages of megabytes), and replays of
 * earlier replies; in encrypted and in plain spaces.
 *
 * <p>For every try: the run completes or throws {@link SyncException} with one of the stable codes and a message,
 * within a bounded time and a bounded number of round trips; {@code PRAGMA integrity_check} is ok; a run that threw
 * before any reply offered data leaves the database exactly as it was (rows, cells, vector, root); nothing foreign
 * lands (every cell the device holds afterwards is one it or the honest peer held before; in a plain space, where a
 * flipped byte of a value cannot be told from a real value, only for the attacks that do not flip payload bytes); the
 * device's vector claims nothing that neither side held; and a clean sync with the honest peer afterwards leaves both
 * with equal rows, cells, vectors and roots. The counts are printed when the class ends.
 */
class HostilePeerProperties {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final Set<String> CODES =
      Set.of("protocol", "schema", "key", "malformed", "rejected", "reconcile", "unavailable", "internal");
  /** A session that asks more often than this of a peer holding a few dozen cells is not going to stop. */
  private static final int MAX_EXCHANGES = 400;
  /** Generous for a shared 2-core machine: a run here takes milliseconds. */
  private static final Duration RUN_BOUND = Duration.ofSeconds(15);

  /** How the peer misbehaves. */
  enum Attack {
    /** The control: an honest peer behind the same transport. */
    NONE,
    RANDOM_BYTES,
    CBOR_TREE,
    /** Bit flips, cuts, insertions, duplicated spans, lying lengths of the honest reply. */
    MUTATED,
    WRONG_KIND,
    ODD_FAILURE,
    /** Structured lies in an otherwise valid reply of the right kind. */
    LIE,
    REPLAY,
    /** Every welcome says another root and vector. */
    SHIFTING_WELCOME,
    /** Every batch and every reconciliation step says there is more. */
    ENDLESS_MORE,
    /** Roots that never match, and reconciliation steps of garbage, megabytes long. */
    HUGE_RECONCILE,
    /** Every ack says the peer holds less than it said before, and each time something else. */
    RETREATING_ACKS;

    /** Whether the attack may alter payload bytes, which only a seal can tell from real ones. */
    boolean flipsPayloads() {
      return this == MUTATED || this == RANDOM_BYTES || this == CBOR_TREE;
    }
  }

  private static final AtomicLong tries = new AtomicLong();
  private static final AtomicLong hostileReplies = new AtomicLong();
  private static final AtomicLong exchanges = new AtomicLong();
  private static final AtomicLong completed = new AtomicLong();
  private static final Map<String, AtomicLong> refusals = new ConcurrentSkipListMap<>();
  private static final Map<Attack, AtomicLong> byAttack = new EnumMap<>(Attack.class);
  private static final AtomicLong liveTries = new AtomicLong();
  private static final AtomicLong liveMessages = new AtomicLong();
  private static final AtomicLong liveHostile = new AtomicLong();

  @AfterContainer
  static void summary() {
    System.out.printf("HostilePeerProperties: %d syncs against a hostile peer, %d exchanges, %d hostile replies;"
        + " %d completed, refused by code %s; tries by attack %s%n", tries.get(), exchanges.get(),
        hostileReplies.get(), completed.get(), refusals, byAttack);
    System.out.printf("HostilePeerProperties: %d live sessions, %d messages received, %d of them hostile%n",
        liveTries.get(), liveMessages.get(), liveHostile.get());
  }

  // ---- the asker -----------------------------------------------------------------------------------------------

  @Provide
  Arbitrary<Attack> attacks() {
    // The honest control now and then; every attack about as often as the others.
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Attack.NONE)),
        Tuple.of(3 * (Attack.values().length - 1), Arbitraries.of(Attack.class).filter(a -> a != Attack.NONE)));
  }

  @Property(tries = 400, seed = "20261129", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void anAskerFacingAHostilePeerCompletesOrRefusesByNameAndStaysWhole(@ForAll("attacks") Attack attack,
      @ForAll boolean encrypted, @ForAll long seed) throws Exception {
    asker(attack, encrypted, seed);
  }

  static void asker(Attack attack, boolean encrypted, long seed) throws Exception {
    tries.incrementAndGet();
    synchronized (byAttack) {
      byAttack.computeIfAbsent(attack, a -> new AtomicLong()).incrementAndGet();
    }
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("lattice-hostile");
    try (Device device = device(dir, "device.db", encrypted); Device peer = device(dir, "peer.db", encrypted)) {
      write(device, random, "d");
      write(peer, random, "p");
      boolean keyBefore = !encrypted || device.store.keyInfo(false) != null;
      State before = State.of(device);
      State peerBefore = State.of(peer);
      HostileTransport hostile = new HostileTransport(device.to(peer), attack, random);
      SyncOptions options = SyncOptions.DEFAULTS.withBatchCells(1 + random.nextInt(6));

      Throwable outcome = assertTimeoutPreemptively(RUN_BOUND, () -> {
        try {
          SyncSession.run(device.store, hostile, options);
          return null;
        } catch (SyncException e) {
          return e;
        } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: each is a finding
          return new AssertionError("the run threw " + t + " instead of a SyncException", t);
        }
      }, () -> "a sync against a hostile peer (" + attack + ") did not end within " + RUN_BOUND);
      exchanges.addAndGet(hostile.exchanges);
      hostileReplies.addAndGet(hostile.forged);
      String context = attack + (encrypted ? " encrypted" : " plain") + ", seed " + seed + ", " + hostile.exchanges
          + " exchanges, " + hostile.forged + " hostile replies: " + hostile.log;

      if (outcome instanceof AssertionError e) {
        throw new AssertionError(e.getMessage() + " (" + context + ")", e.getCause());
      }
      assertFalse(hostile.endless, () -> "the device kept asking a peer that never finishes: more than "
          + MAX_EXCHANGES + " exchanges (" + context + ")");
      if (outcome instanceof SyncException e) {
        assertTrue(CODES.contains(e.code()), () -> "unstable code '" + e.code() + "': " + e + " (" + context + ")");
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), () -> "no message (" + context + ")");
        refusals.computeIfAbsent(e.code(), c -> new AtomicLong()).incrementAndGet();
        if (attack == Attack.NONE) {
          fail("an honest peer was refused: " + e + " (" + context + ")", e);
        }
      } else {
        completed.incrementAndGet();
      }
      assertEquals("ok", integrity(device), () -> "integrity_check (" + context + ")");

      State after = State.of(device);
      if (outcome != null && !hostile.dataOffered) {
        // A device that had no space key before the run may have adopted the peer's, which changes the digests of
        // its tree (cell ids are keyed), not its data: compare its root only if it had a key before.
        State expected = keyBefore ? before : before.withRoot(after.root);
        assertEquals(expected, after, () -> "a refused run changed the device though no reply offered data, "
            + outcome + " (" + context + ")");
      }
      if (encrypted || !attack.flipsPayloads()) {
        for (Map.Entry<String, String> cell : after.cells.entrySet()) {
          String v = cell.getValue();
          assertTrue(v.equals(before.cells.get(cell.getKey())) || v.equals(peerBefore.cells.get(cell.getKey())),
              () -> "a cell version neither side held landed: " + v + ", " + outcome + " (" + context + ")");
        }
      }
      VersionVector bound = before.vector.merge(peerBefore.vector);
      for (Map.Entry<SiteId, Long> e : after.vector.entries().entrySet()) {
        assertTrue(e.getValue() <= bound.get(e.getKey()), () -> "the device's vector claims " + e + " beyond what"
            + " either side held, " + bound + ", after " + outcome + " (" + context + ")");
      }

      // An honest peer still brings the device to its own state.
      try {
        device.syncWith(peer);
      } catch (SyncException e) {
        throw new AssertionError("a clean sync after the hostile one failed: " + e + " (" + context + ")", e);
      }
      State d = State.of(device);
      State p = State.of(peer);
      if (encrypted || !attack.flipsPayloads()) {
        // (In a plain space a flipped byte of a value is a value like any other, and keeps its version: the
        // operator of a plain space "can change everything", docs/security.md. Versions and roots still agree.)
        assertEquals(p.rows, d.rows, () -> "rows differ after a clean sync (" + context + ")");
        assertEquals(p.cells, d.cells, () -> "cells differ after a clean sync (" + context + ")");
      }
      assertEquals(p.vector, d.vector, () -> "vectors differ after a clean sync (" + context + ")");
      assertEquals(p.root, d.root, () -> "roots differ after a clean sync (" + context + ")");
      assertEquals("ok", integrity(peer));
    } finally {
      delete(dir);
    }
  }

  /** What the test compares of a device. */
  record State(List<String> rows, TreeMap<String, String> cells, VersionVector vector, String root) {
    static State of(Device d) throws SQLException, SyncException {
      return new State(d.rows(), d.cells(), d.vector(), d.root());
    }

    State withRoot(String other) {
      return new State(rows, cells, vector, other);
    }
  }

  /**
   * Passes every request to the honest responder and returns its reply, or in its place a hostile one. Counts the
   * exchanges and stops a session that would never end.
   */
  static final class HostileTransport implements Transport {
    private final Transport honest;
    private final Attack attack;
    private final Random random;
    /** For the attacks that strike now and then: the chance per reply, or 0 to strike once, at {@code at}. */
    private final double rate;
    private final int at;
    private final List<byte[]> earlier = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    int exchanges;
    int forged;
    boolean dataOffered;
    boolean endless;

    HostileTransport(Transport honest, Attack attack, Random random) {
      this.honest = honest;
      this.attack = attack;
      this.random = random;
      this.rate = random.nextBoolean() ? 0 : 0.2 + random.nextDouble() * 0.8;
      this.at = random.nextInt(random.nextBoolean() ? 2 : 8);
    }

    @Override
    public synchronized byte[] exchange(byte[] request) throws IOException {
      if (exchanges++ == MAX_EXCHANGES) {
        endless = true;
      }
      if (endless) {
        throw new IOException("the test's bound of " + MAX_EXCHANGES + " exchanges was reached");
      }
      byte[] reply = honest.exchange(request);
      byte[] out = strikes() ? forge(reply) : reply;
      if (out != reply) {
        forged++;
        String was;
        try {
          was = describe(CODEC.decode(out));
        } catch (WireException e) {
          was = out.length + " bytes that do not decode";
        }
        log.add("#" + exchanges + " " + describe(CODEC.decode(reply)) + " became " + was);
      }
      earlier.add(reply);
      dataOffered |= offersData(out);
      return out;
    }

    private boolean strikes() {
      return switch (attack) {
        case NONE -> false;
        case SHIFTING_WELCOME, ENDLESS_MORE, HUGE_RECONCILE, RETREATING_ACKS -> true;
        default -> rate == 0 ? exchanges - 1 == at : random.nextDouble() < rate;
      };
    }

    private byte[] forge(byte[] reply) {
      Message honestReply = CODEC.decode(reply);
      return switch (attack) {
        case NONE -> reply;
        case RANDOM_BYTES -> {
          byte[] noise = new byte[random.nextInt(4) == 0 ? random.nextInt(4) : random.nextInt(4096)];
          random.nextBytes(noise);
          yield noise;
        }
        case CBOR_TREE -> WireCodecFuzzProperties.cborTree(random);
        case MUTATED -> {
          byte[] bytes = reply;
          for (int i = 1 + random.nextInt(3); i > 0; i--) {
            bytes = WireCodecFuzzProperties.mutate(bytes, random);
          }
          yield bytes;
        }
        case WRONG_KIND -> CODEC.encode(wrongKind(honestReply));
        case ODD_FAILURE -> CODEC.encode(oddFailure());
        case LIE -> CODEC.encode(lie(honestReply, random));
        case REPLAY -> earlier.isEmpty() ? reply : earlier.get(random.nextInt(earlier.size()));
        case SHIFTING_WELCOME -> honestReply instanceof Welcome w
            ? CODEC.encode(new Welcome(w.protocol(), w.site(), w.schema(), randomVector(random, w.vector()),
                randomRoot(random), w.key(), w.changes()))
            : reply;
        case ENDLESS_MORE -> CODEC.encode(endless(honestReply));
        case HUGE_RECONCILE -> CODEC.encode(hugeReconcile(honestReply));
        case RETREATING_ACKS -> honestReply instanceof Ack a
            ? CODEC.encode(new Ack(retreat(a.vector(), random), a.root(), a.applied()))
            : reply;
      };
    }

    private Message wrongKind(Message honestReply) {
      List<Message> options = new ArrayList<>(WireCodecFuzzProperties.sampleMessages());
      options.add(new Hello(Message.PROTOCOL, id(random), new byte[32], List.of(), randomRoot(random), null, false,
          Integer.MAX_VALUE, Integer.MAX_VALUE));
      options.add(new Pull(List.of(), Integer.MAX_VALUE, 0));
      options.add(new Subscribe(randomVector(random, List.of())));
      options.add(new Ack(List.of(), randomRoot(random), Long.MAX_VALUE));
      options.add(new Changes(List.of(), List.of(), List.of(), random.nextBoolean()));
      options.removeIf(m -> WireCodec.kind(m).equals(WireCodec.kind(honestReply)));
      return options.get(random.nextInt(options.size()));
    }

    private Failure oddFailure() {
      String[] codes = {"", " ", "banana", "KEY", "Schema", "internal", "unavailable", "key", "schema", "protocol",
          "malformed", "rejected", "reconcile", "x".repeat(5000), "\u0000", "caf\u00e9", "\ud83d\ude00"};
      String code = codes[random.nextInt(codes.length)];
      String message = switch (random.nextInt(4)) {
        case 0 -> "";
        case 1 -> "\n\t\u0000";
        case 2 -> "y".repeat(random.nextInt(200_000));
        default -> "no";
      };
      byte[] detail = switch (random.nextInt(4)) {
        case 0 -> null;
        case 1 -> new byte[0];
        case 2 -> CODEC.encodeValue(new KeyInfo(new byte[16], 8, 1, 1, new byte[41]));
        default -> {
          byte[] b = new byte[random.nextInt(2048)];
          random.nextBytes(b);
          yield b;
        }
      };
      return new Failure(code, message, detail);
    }

    private Message endless(Message m) {
      if (m instanceof Changes c) {
        return new Changes(c.senderVector(), c.covers(), c.envelopes(), true);
      } else if (m instanceof Welcome w) {
        Changes c = w.changes() == null ? new Changes(w.vector(), List.of(), List.of(), true) : w.changes();
        return new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), w.key(),
            new Changes(c.senderVector(), c.covers(), c.envelopes(), true));
      } else if (m instanceof Reconciled r) {
        return new Reconciled(r.message(), r.items(), true, r.senderVector(), r.root());
      } else if (m instanceof Ack a) { // roots that never agree lead to reconciliation, where more can be endless
        return new Ack(a.vector(), randomRoot(random), a.applied());
      }
      return m;
    }

    private Message hugeReconcile(Message m) {
      if (m instanceof Welcome w) {
        return new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), randomRoot(random), w.key(), w.changes());
      } else if (m instanceof Ack a) {
        return new Ack(a.vector(), randomRoot(random), a.applied());
      } else if (m instanceof Reconciled r) {
        byte[] garbage = new byte[random.nextBoolean() ? random.nextInt(64) : (1 << 20) + random.nextInt(3 << 20)];
        random.nextBytes(garbage);
        if (garbage.length > 0 && random.nextBoolean()) {
          garbage[0] = 1; // perhaps the version byte of a reconciliation message
        }
        List<Envelope> items = r.items();
        if (!items.isEmpty() && random.nextBoolean()) { // the same rows many times over
          List<Envelope> many = new ArrayList<>();
          for (int i = 0; i < 20_000; i++) {
            many.add(items.get(i % items.size()));
          }
          items = many;
        }
        return new Reconciled(random.nextInt(4) == 0 ? r.message() : garbage, items, r.more(), r.senderVector(),
            randomRoot(random));
      }
      return m;
    }

    private static boolean offersData(byte[] reply) {
      Message m;
      try {
        m = CODEC.decode(reply);
      } catch (WireException e) {
        return false;
      }
      Changes c = m instanceof Welcome w ? w.changes() : m instanceof Changes ch ? ch : null;
      if (c != null) {
        return !c.envelopes().isEmpty() || !c.covers().isEmpty();
      }
      return m instanceof Reconciled r && !r.items().isEmpty();
    }
  }

  /** A message in short, for a failure's context. */
  static String describe(Message m) {
    String s = m instanceof Changes c ? "changes[sender " + c.senderVector().size() + ", covers "
        + c.covers().size() + ", " + c.envelopes().size() + " envelopes" + envelopes(c.envelopes()) + ", more "
        + c.more() + "]"
        : m instanceof Welcome w ? "welcome[" + (w.changes() == null ? "no batch" : describe(w.changes())) + "]"
        : m.toString();
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }

  private static String envelopes(List<Envelope> envelopes) {
    StringBuilder b = new StringBuilder();
    for (Envelope e : envelopes) {
      b.append(" (kind ").append(e.kind()).append(" row ").append(java.util.HexFormat.of().formatHex(e.row(), 0, 3))
          .append(" seq ").append(e.seq()).append(" cl ").append(e.cl()).append(")");
    }
    return b.toString();
  }

  /** A valid message of the right kind that lies. */
  static Message lie(Message m, Random random) {
    if (m instanceof Welcome w) {
      return switch (random.nextInt(7)) {
        case 0 -> new Welcome(random.nextBoolean() ? 2 : random.nextInt(), w.site(), w.schema(), w.vector(), w.root(),
            w.key(), w.changes());
        case 1 -> new Welcome(w.protocol(), w.site(), w.schema(), randomVector(random, w.vector()), randomRoot(random),
            w.key(), w.changes());
        case 2 -> new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), badKey(w.key(), random),
            w.changes());
        case 3 -> new Welcome(w.protocol(), w.site(), Arrays.copyOf(w.schema(), random.nextInt(40)), w.vector(),
            w.root(), w.key(), w.changes());
        case 4 -> new Welcome(w.protocol(), id(random), w.schema(), w.vector(), w.root(), w.key(), w.changes());
        default -> new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), w.key(),
            lieAbout(w.changes() == null ? new Changes(w.vector(), List.of(), List.of(), false) : w.changes(),
                random));
      };
    } else if (m instanceof Changes c) {
      return lieAbout(c, random);
    } else if (m instanceof Ack a) {
      return switch (random.nextInt(4)) {
        case 0 -> new Ack(shrink(a.vector(), random), a.root(), a.applied());
        case 1 -> new Ack(randomVector(random, a.vector()), a.root(), Long.MAX_VALUE);
        case 2 -> new Ack(a.vector(), randomRoot(random), a.applied());
        default -> new Ack(List.of(), randomRoot(random), 0);
      };
    } else if (m instanceof Reconciled r) {
      Changes c = lieAbout(new Changes(r.senderVector(), List.of(), r.items(), r.more()), random);
      return new Reconciled(random.nextInt(3) == 0 ? new byte[] {1, 2, 3} : r.message(), c.envelopes(), c.more(),
          c.senderVector(), random.nextBoolean() ? r.root() : randomRoot(random));
    }
    return m;
  }

  /** A batch that lies: about what it covers, about its envelopes' ids, stamps and kinds, or about there being more. */
  static Changes lieAbout(Changes c, Random random) {
    List<Envelope> envelopes = new ArrayList<>(c.envelopes());
    switch (random.nextInt(envelopes.isEmpty() ? 3 : 10)) {
      case 0 -> { // covers beyond the sender's vector: a site nobody wrote, or further than the sender holds
        List<VectorEntry> covers = new ArrayList<>(c.covers());
        if (!c.senderVector().isEmpty() && random.nextBoolean()) {
          VectorEntry e = c.senderVector().get(random.nextInt(c.senderVector().size()));
          covers.add(new VectorEntry(e.site(), e.seq() + 1 + random.nextInt(1000)));
        } else {
          covers.add(new VectorEntry(id(random), 1 + random.nextInt(1 << 20)));
        }
        return new Changes(c.senderVector(), covers, envelopes, c.more());
      }
      case 1 -> { // a sender vector of sites never met (what a conflict is judged by, not what is held)
        return new Changes(randomVector(random, c.senderVector()), c.covers(), envelopes, c.more());
      }
      case 2 -> { // more, with nothing in it
        return new Changes(c.senderVector(), c.covers(), List.of(), true);
      }
      default -> {
        int i = random.nextInt(envelopes.size());
        Envelope e = envelopes.get(i);
        Envelope other = envelopes.get(random.nextInt(envelopes.size()));
        Envelope liar = switch (random.nextInt(8)) {
          case 0 -> new Envelope(id(random), e.row(), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), e.payload());
          case 1 -> new Envelope(e.cell(), id(random), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), e.payload());
          case 2 -> new Envelope(e.cell(), e.row(), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), other.payload());
          case 3 -> new Envelope(other.cell(), other.row(), e.site(), e.seq(), e.hlc(), e.cl(), e.kind(), e.payload());
          case 4 -> new Envelope(e.cell(), e.row(), e.site(), e.seq(), Long.MAX_VALUE, e.cl(), e.kind(), e.payload());
          case 5 -> new Envelope(e.cell(), e.row(), e.site(), e.seq(), -1 - random.nextInt(10), e.cl(), e.kind(),
              e.payload());
          case 6 -> new Envelope(e.cell(), e.row(), e.site(), random.nextBoolean() ? 0 : Long.MAX_VALUE, e.hlc(),
              random.nextBoolean() ? 0 : e.cl() + 1, e.kind(), e.payload());
          default -> new Envelope(e.cell(), e.row(), e.site(), e.seq(), e.hlc(), e.cl(), (e.kind() + 1) % 3,
              e.payload());
        };
        envelopes.set(i, liar);
        if (random.nextInt(4) == 0) {
          envelopes.add(liar); // and twice
        }
        return new Changes(c.senderVector(), c.covers(), envelopes, c.more());
      }
    }
  }

  private static KeyInfo badKey(KeyInfo key, Random random) {
    if (key == null || random.nextInt(4) == 0) {
      return random.nextBoolean() ? null : new KeyInfo(new byte[16], 8, 1, 1, new byte[41]);
    }
    byte[] check = key.check().clone();
    check[random.nextInt(check.length)] ^= 1;
    return switch (random.nextInt(3)) {
      case 0 -> new KeyInfo(key.salt(), key.memoryKiB(), key.iterations(), key.parallelism(), check);
      case 1 -> new KeyInfo(key.salt(), Integer.MAX_VALUE, Integer.MAX_VALUE, -1, key.check());
      default -> new KeyInfo(new byte[random.nextInt(100)], key.memoryKiB(), key.iterations(), key.parallelism(),
          key.check());
    };
  }

  private static List<VectorEntry> shrink(List<VectorEntry> vector, Random random) {
    List<VectorEntry> out = new ArrayList<>();
    for (VectorEntry e : vector) {
      if (random.nextBoolean()) {
        out.add(new VectorEntry(e.site(), e.seq() / 2));
      }
    }
    return out;
  }

  /** Less than {@code vector} of every real site, and a site nobody wrote: never the same twice. */
  private static List<VectorEntry> retreat(List<VectorEntry> vector, Random random) {
    List<VectorEntry> out = new ArrayList<>();
    for (VectorEntry e : vector) {
      out.add(new VectorEntry(e.site(), e.seq() / 2));
    }
    out.add(new VectorEntry(id(random), 1 + random.nextInt(1 << 20)));
    return out;
  }

  private static List<VectorEntry> randomVector(Random random, List<VectorEntry> from) {
    List<VectorEntry> out = new ArrayList<>(from);
    for (int i = random.nextInt(4); i > 0; i--) {
      out.add(new VectorEntry(id(random), random.nextBoolean() ? Long.MAX_VALUE : random.nextInt(1 << 30)));
    }
    if (!out.isEmpty() && random.nextBoolean()) {
      VectorEntry e = out.get(0);
      out.set(0, new VectorEntry(e.site(), random.nextBoolean() ? 0 : Long.MAX_VALUE));
    }
    return out;
  }

  private static TreeRoot randomRoot(Random random) {
    return new TreeRoot(random.nextBoolean() ? Long.MAX_VALUE : random.nextInt(100), id(random));
  }

  private static byte[] id(Random random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }

  // ---- the live phase ------------------------------------------------------------------------------------------

  /** A live channel that keeps what is sent on it. */
  private static final class Channel implements LiveChannel {
    final List<byte[]> sent = new ArrayList<>();
    boolean open = true;

    @Override
    public synchronized void send(byte[] message) {
      sent.add(message);
    }

    @Override
    public synchronized boolean isOpen() {
      return open;
    }

    @Override
    public synchronized void close() {
      open = false;
    }
  }

  /**
   * A live session receiving, after the peer's honest subscribe and perhaps honest batches, hostile messages: it never
   * lets an exception out of {@code onMessage}, answers what it refuses with a failure of a stable code and closes the
   * channel, applies nothing foreign, and still converges with the honest peer afterwards.
   */
  @Property(tries = 120, seed = "20261129", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void aLiveSessionReceivingHostileMessagesRefusesThemByNameAndStaysWhole(@ForAll("attacks") Attack attack,
      @ForAll boolean encrypted, @ForAll long seed) throws Exception {
    liveTries.incrementAndGet();
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("lattice-hostile-live");
    try (Device device = device(dir, "device.db", encrypted); Device peer = device(dir, "peer.db", encrypted)) {
      device.syncWith(peer); // the space's key agreed, as a sync does before the live phase
      write(device, random, "d");
      write(peer, random, "p");
      State before = State.of(device);
      State peerBefore = State.of(peer);
      LiveSession session = new LiveSession(device.store, SyncOptions.DEFAULTS, new LiveSession.Events() {});
      Channel channel = new Channel();
      session.onOpen(channel);

      // What the honest peer would send: its subscribe, then batches of what the device lacks.
      List<byte[]> honest = new ArrayList<>();
      honest.add(CODEC.encode(new Subscribe(peer.store.vector())));
      List<VectorEntry> held = device.store.vector();
      for (int i = 0; i < 4; i++) {
        Changes batch = Batches.next(peer.store, held, 1 + random.nextInt(4), SyncOptions.DEFAULTS.maxMessageBytes());
        honest.add(CODEC.encode(batch));
        held = Vectors.merge(held, batch.covers());
      }
      int honestFirst = random.nextInt(honest.size() + 1);
      List<byte[]> incoming = new ArrayList<>(honest.subList(0, honestFirst));
      List<Message> originals = new ArrayList<>();
      for (byte[] b : honest) {
        originals.add(CODEC.decode(b));
      }
      for (int i = 1 + random.nextInt(3); i > 0; i--) {
        Message base = originals.get(random.nextInt(originals.size()));
        incoming.add(liveHostile(attack, base, CODEC.encode(base), random, incoming));
      }
      boolean offered = false;
      for (byte[] message : incoming) {
        if (!channel.isOpen()) {
          break;
        }
        liveMessages.incrementAndGet();
        offered |= HostileTransport.offersData(message);
        assertTimeoutPreemptively(RUN_BOUND, () -> {
          try {
            session.onMessage(channel, message);
          } catch (Throwable t) {
            throw new AssertionError("onMessage let " + t + " escape (" + attack + ", seed " + seed + ")", t);
          }
        });
      }
      liveHostile.addAndGet(incoming.size() - honestFirst);
      for (byte[] sent : channel.sent) {
        if (CODEC.decode(sent) instanceof Failure f) {
          assertTrue(CODES.contains(f.code()), () -> "unstable code " + f.code() + " (" + attack + ", seed " + seed
              + ")");
          assertFalse(f.message().isBlank());
          assertFalse(channel.isOpen(), "a failure is followed by closing the channel");
        }
      }
      assertEquals("ok", integrity(device));
      State after = State.of(device);
      if (!offered) {
        assertEquals(before, after, () -> "nothing with data arrived, yet the device changed (" + attack + ")");
      }
      if (encrypted || !attack.flipsPayloads()) {
        for (Map.Entry<String, String> cell : after.cells.entrySet()) {
          String v = cell.getValue();
          assertTrue(v.equals(before.cells.get(cell.getKey())) || v.equals(peerBefore.cells.get(cell.getKey())),
              () -> "a cell version neither side held landed live: " + v + " (" + attack + ", seed " + seed + ")");
        }
      }
      VersionVector bound = before.vector.merge(peerBefore.vector);
      for (Map.Entry<SiteId, Long> e : after.vector.entries().entrySet()) {
        assertTrue(e.getValue() <= bound.get(e.getKey()), () -> "the live device's vector claims " + e + " beyond"
            + " what either side held (" + attack + ", seed " + seed + ")");
      }
      device.syncWith(peer);
      State d = State.of(device);
      State p = State.of(peer);
      if (encrypted || !attack.flipsPayloads()) { // (see the asker's property)
        assertEquals(p.rows, d.rows, () -> "rows differ after live and a clean sync (" + attack + ", seed " + seed
            + ")");
        assertEquals(p.cells, d.cells, () -> "cells differ after live and a clean sync (" + attack + ")");
      }
      assertEquals(p.vector, d.vector, () -> "vectors differ after live and a clean sync (" + attack + ")");
      assertEquals(p.root, d.root, () -> "roots differ after live and a clean sync (" + attack + ")");
    } finally {
      delete(dir);
    }
  }

  /** A message for the live session in place of {@code base}; NONE and REPLAY repeat one that came before. */
  private static byte[] liveHostile(Attack attack, Message base, byte[] encoded, Random random, List<byte[]> before) {
    return switch (attack) {
      case NONE, REPLAY -> before.isEmpty() ? encoded : before.get(random.nextInt(before.size()));
      case RANDOM_BYTES -> {
        byte[] noise = new byte[random.nextInt(2048)];
        random.nextBytes(noise);
        yield noise;
      }
      case CBOR_TREE -> WireCodecFuzzProperties.cborTree(random);
      case MUTATED -> WireCodecFuzzProperties.mutate(encoded, random);
      case WRONG_KIND, ODD_FAILURE, HUGE_RECONCILE, RETREATING_ACKS -> {
        List<Message> samples = WireCodecFuzzProperties.sampleMessages();
        yield CODEC.encode(samples.get(random.nextInt(samples.size())));
      }
      case LIE, SHIFTING_WELCOME, ENDLESS_MORE -> CODEC.encode(base instanceof Subscribe s
          ? new Subscribe(randomVector(random, s.vector()))
          : lie(base instanceof Changes ? base : new Ack(List.of(), randomRoot(random), 0), random));
    };
  }

  // ---- devices -------------------------------------------------------------------------------------------------

  private static Device device(Path dir, String name, boolean encrypted) throws SQLException {
    return encrypted ? Device.encrypted(dir, name, "one space") : Device.create(dir, name);
  }

  /** A few rows of the device's own, some of them on keys the other side writes too, a counter, a delete. */
  private static void write(Device d, Random random, String prefix) throws SQLException {
    int rows = random.nextInt(7);
    for (int i = 0; i < rows; i++) {
      String key = random.nextInt(3) == 0 ? "shared" + random.nextInt(2) : prefix + i;
      d.exec("INSERT OR REPLACE INTO t VALUES (?, ?, ?, ?, ?)", key, random.nextBoolean() ? "v" + i : null,
          random.nextDouble(), new byte[random.nextInt(40)], (long) random.nextInt(5));
      if (random.nextInt(4) == 0) {
        d.exec("UPDATE t SET n = n + 1 WHERE id = ?", key);
      }
      if (random.nextInt(6) == 0) {
        d.exec("DELETE FROM t WHERE id = ?", key);
      }
    }
  }

  private static String integrity(Device d) throws SQLException {
    try (ResultSet r = d.app.createStatement().executeQuery("PRAGMA integrity_check")) {
      return r.next() ? r.getString(1) : "no answer";
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
