package dev.lattice.sync.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.transport.LiveChannel;
import dev.lattice.sync.transport.Transport;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Failure;
import dev.lattice.sync.wire.Message;
import dev.lattice.sync.wire.Reconcile;
import dev.lattice.sync.wire.Reconciled;
import dev.lattice.sync.wire.Stable;
import dev.lattice.sync.wire.Subscribe;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import dev.lattice.sync.wire.Welcome;
import dev.lattice.sync.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, the device side: the bugs {@link HostilePeerProperties} found, one example each. Each hostile reply is the
 * honest responder's reply, rewritten.
 */
class HostilePeerTest {
  private static final WireCodec CODEC = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
  private static final byte[] NOBODY = new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

  @TempDir Path dir;

  /** The honest peer's replies, each passed through {@code rewrite}; at most 100 exchanges. */
  private static Transport rewriting(Transport honest, AtomicInteger exchanges, UnaryOperator<Message> rewrite) {
    return request -> {
      if (exchanges.incrementAndGet() > 100) {
        throw new IOException("the test's bound of 100 exchanges was reached");
      }
      return CODEC.encode(rewrite.apply(CODEC.decode(honest.exchange(request))));
    };
  }

  private static Changes coveringNobody(Changes c) {
    List<VectorEntry> covers = new ArrayList<>(c.covers());
    covers.add(new VectorEntry(NOBODY, 1_000));
    return new Changes(c.senderVector(), covers, c.envelopes(), c.more());
  }

  /**
   * A batch whose covers go beyond its sender's own vector was applied, and the device then claimed versions of a site
   * nobody had written (or more of a real site's than exist), which it would never ask for again. Refused whole now.
   */
  @Test
  void aBatchCoveringMoreThanItsSenderHoldsIsRefusedAndNothingOfItIsApplied() throws Exception {
    try (Device device = Device.create(dir, "d.db"); Device peer = Device.create(dir, "p.db")) {
      peer.exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
      Transport liar = rewriting(device.to(peer), new AtomicInteger(), m -> m instanceof Welcome w
          ? new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), w.key(), coveringNobody(w.changes()))
          : m);
      var rowsBefore = device.rows();
      var vectorBefore = device.vector();

      SyncException e = assertThrows(SyncException.class,
          () -> SyncSession.run(device.store, liar, SyncOptions.DEFAULTS));

      assertEquals("rejected", e.code(), e.toString());
      assertTrue(e.getMessage().contains("beyond the sender's own vector"), e.getMessage());
      assertEquals(rowsBefore, device.rows(), "nothing of the batch was applied");
      assertEquals(vectorBefore, device.vector());
      device.syncWith(peer);
      assertEquals(peer.rows(), device.rows());
      assertEquals(peer.vector(), device.vector(), "and the device claims nothing it does not hold");
    }
  }

  /** The same batch on a live channel: refused with a failure, the channel closed, the vector unchanged. */
  @Test
  void aLiveBatchCoveringMoreThanItsSenderHoldsIsRefused() throws Exception {
    try (Device device = Device.create(dir, "d.db"); Device peer = Device.create(dir, "p.db")) {
      peer.exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
      LiveSession session = new LiveSession(device.store, SyncOptions.DEFAULTS, new LiveSession.Events() {});
      List<byte[]> sent = new ArrayList<>();
      boolean[] open = {true};
      LiveChannel channel = new LiveChannel() {
        @Override
        public void send(byte[] message) {
          sent.add(message);
        }

        @Override
        public boolean isOpen() {
          return open[0];
        }

        @Override
        public void close() {
          open[0] = false;
        }
      };
      session.onOpen(channel);
      session.onMessage(channel, CODEC.encode(new Subscribe(peer.store.vector())));
      var vectorBefore = device.vector();

      session.onMessage(channel, CODEC.encode(coveringNobody(peer.store.changesFor(List.of(), 100))));

      Failure f = assertInstanceOf(Failure.class, CODEC.decode(sent.get(sent.size() - 1)));
      assertEquals("rejected", f.code());
      assertFalse(open[0]);
      assertEquals(vectorBefore, device.vector());
      assertEquals(List.of(), device.rows());
    }
  }

  /**
   * A peer whose every batch said {@code more} while covering nothing new was pulled from forever: the asker asked
   * again with the same vector and got the same answer. The asker stops at the first such batch.
   */
  @Test
  void aBatchThatSaysMoreButCoversNothingNewEndsThePullInsteadOfLoopingForever() throws Exception {
    try (Device device = Device.create(dir, "d.db"); Device peer = Device.create(dir, "p.db")) {
      peer.exec("INSERT INTO t VALUES ('a', 1, NULL, NULL, 0)");
      AtomicInteger exchanges = new AtomicInteger();
      Transport endless = rewriting(device.to(peer), exchanges, m -> {
        if (m instanceof Welcome w && w.changes() != null) {
          Changes c = w.changes();
          return new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), w.root(), w.key(),
              new Changes(c.senderVector(), c.covers(), c.envelopes(), true));
        }
        return m instanceof Changes c ? new Changes(c.senderVector(), c.covers(), c.envelopes(), true) : m;
      });

      SyncException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> assertThrows(SyncException.class, () -> SyncSession.run(device.store, endless, SyncOptions.DEFAULTS)));

      assertEquals("rejected", e.code(), e.toString());
      assertTrue(e.getMessage().contains("more follows"), e.getMessage());
      assertTrue(exchanges.get() <= 3, "stopped after " + exchanges.get() + " exchanges");
      assertEquals(List.of("a|1|NULL|NULL|0"), device.rows(), "the genuine first batch was kept");
    }
  }

  /**
   * The same in a reconciliation: a peer answering every step with "more found rows" and none of them was asked
   * forever. Roots that never agree (while the vectors do) bring the asker to reconcile.
   */
  @Test
  void aReconciledThatSaysMoreButHoldsNothingEndsTheReconciliation() throws Exception {
    try (Device device = Device.create(dir, "d.db"); Device peer = Device.create(dir, "p.db")) {
      AtomicInteger exchanges = new AtomicInteger();
      TreeRoot never = new TreeRoot(7, NOBODY);
      Transport honest = device.to(peer);
      List<VectorEntry> peerVector = peer.store.vector(); // the device has nothing to push: it stays
      Transport endless = request -> {
        if (exchanges.incrementAndGet() > 100) {
          throw new IOException("the test's bound of 100 exchanges was reached");
        }
        Message asked = CODEC.decode(request);
        Message m = asked instanceof Reconcile r && r.message() == null
            ? new Reconciled(null, List.of(), true, peerVector, never)
            : CODEC.decode(honest.exchange(request));
        if (m instanceof Welcome w) {
          return CODEC.encode(new Welcome(w.protocol(), w.site(), w.schema(), w.vector(), never, w.key(),
              w.changes()));
        }
        if (m instanceof Stable s) {
          return CODEC.encode(new Stable(s.vector(), never));
        }
        return CODEC.encode(m instanceof Reconciled r ? new Reconciled(r.message(), r.items(), true,
            r.senderVector(), never) : m);
      };

      SyncException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> assertThrows(SyncException.class, () -> SyncSession.run(device.store, endless, SyncOptions.DEFAULTS)));

      assertEquals("reconcile", e.code(), e.toString());
      assertTrue(e.getMessage().contains("sent none"), e.getMessage());
      assertTrue(exchanges.get() < 10, "stopped after " + exchanges.get() + " exchanges");
    }
  }

  /**
   * A peer whose every ack said it held less than before, and each time something else (so that no two acks were the
   * same), had the asker push its batches again from further back, forever. A replica's vector only grows: the first
   * ack that goes back ends the push.
   */
  @Test
  void anAckThatGoesBackEndsThePushInsteadOfPushingForever() throws Exception {
    try (Device device = Device.create(dir, "d.db"); Device peer = Device.create(dir, "p.db")) {
      for (int i = 0; i < 10; i++) {
        device.exec("INSERT INTO t VALUES (?, 1, NULL, NULL, 0)", "k" + i);
      }
      AtomicInteger exchanges = new AtomicInteger();
      java.util.Random random = new java.util.Random(8);
      Transport retreating = rewriting(device.to(peer), exchanges, m -> {
        if (!(m instanceof dev.lattice.sync.wire.Ack a)) {
          return m;
        }
        List<VectorEntry> less = new ArrayList<>();
        for (VectorEntry e : a.vector()) {
          less.add(new VectorEntry(e.site(), e.seq() / 2));
        }
        byte[] someone = new byte[16];
        random.nextBytes(someone);
        less.add(new VectorEntry(someone, 1 + random.nextInt(1000)));
        return new dev.lattice.sync.wire.Ack(less, a.root(), a.applied());
      });

      SyncException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(SyncException.class,
          () -> SyncSession.run(device.store, retreating, SyncOptions.DEFAULTS.withBatchCells(3))));

      assertEquals("rejected", e.code(), e.toString());
      assertTrue(e.getMessage().contains("said it held before"), e.getMessage());
      assertTrue(exchanges.get() < 10, "stopped after " + exchanges.get() + " exchanges");
      device.syncWith(peer);
      assertEquals(device.rows(), peer.rows());
    }
  }

  /**
   * A peer's failure code became the device's {@link SyncException#code()} whatever it was ("KEY", "", 5,000
   * characters), though programs act on it as one of a stable set; and its message was quoted whole, however long.
   */
  @Test
  void aFailureWithACodeOutsideTheStableSetIsMalformedAndItsMessageIsCut() throws Exception {
    try (Device device = Device.create(dir, "d.db")) {
      for (String code : List.of("KEY", "", "banana", "x".repeat(5_000))) {
        String text = "y".repeat(100_000);
        Transport odd = request -> CODEC.encode(new Failure(code, text, null));

        SyncException e = assertThrows(SyncException.class,
            () -> SyncSession.run(device.store, odd, SyncOptions.DEFAULTS));

        assertEquals("malformed", e.code(), e.toString().substring(0, 200));
        assertTrue(e.getMessage().contains("a code this side does not know"), e.getMessage().substring(0, 200));
        assertTrue(e.getMessage().length() < 3_000, "quoted " + e.getMessage().length() + " characters");
      }
      // A known code still passes through as it was.
      Transport known = request -> CODEC.encode(new Failure("unavailable", "busy", null));
      SyncException e = assertThrows(SyncException.class,
          () -> SyncSession.run(device.store, known, SyncOptions.DEFAULTS));
      assertEquals("unavailable", e.code());
      assertTrue(Arrays.asList(e.getMessage().split(": ")).contains("busy"), e.getMessage());
    }
  }
}
