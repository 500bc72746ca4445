package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.merkle.Fixtures.Replicas;
import dev.lattice.merkle.Fixtures.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two sessions exchanging messages in memory find exactly the items each side must send, in few and small messages,
 * within their limits, and reject malformed or foreign messages without losing their place.
 */
class ReconciliationTest {
  private static final ReconcileLimits DEFAULT = ReconcileLimits.DEFAULT;

  /** A pair of replicas with some differences of every kind, reused by tests that only read them. */
  private static final Replicas SOME = Replicas.random(1, 5_000, 40, 30, 50);

  private static void assertFindsExactly(Replicas r, Session<Long> s) {
    Fixtures.assertSameItems(r.aMinusB(), s.sentByInitiator(), "the initiator sends exactly A \\ B");
    Fixtures.assertSameItems(r.bMinusA(), s.sentByResponder(), "the responder sends exactly B \\ A");
    s.assertCountersAgree();
  }

  @Test
  void identicalTreesFinishWithTheOpeningMessageUnanswered() {
    Replicas r = Replicas.random(2, 20_000, 0, 0, 0);
    Session<Long> s = Session.run(r.treeA(), r.treeB(), DEFAULT);

    assertEquals(1, s.messageCount(), "the root's children match: the responder answers null");
    assertEquals(MessageCodec.HEADER_BYTES + 1 + 16 * 4, s.messages.get(0).length, "16 fingerprints of 4 bytes");
    assertTrue(s.initiator.nodesToSend().isEmpty() && s.initiator.itemsToSend().isEmpty());
    assertTrue(s.responder.nodesToSend().isEmpty() && s.responder.itemsToSend().isEmpty());
    s.assertCountersAgree();
  }

  @Test
  void twoEmptyTreesAreIdentical() {
    Session<Long> s = Session.run(new MerkleTree<>(), new MerkleTree<>(), DEFAULT);
    assertEquals(1, s.messageCount());
    assertTrue(s.sentByInitiator().isEmpty() && s.sentByResponder().isEmpty());
  }

  @Test
  void aSingleDifferenceIsFoundByDescendingOnePathInUnderOneKilobyte() {
    Replicas r = Replicas.random(3, 20_000, 0, 0, 1);
    Session<Long> s = Session.run(r.treeA(), r.treeB(), DEFAULT);

    assertFindsExactly(r, s);
    assertEquals(1, s.initiator.itemsToSend().size());
    assertEquals(1, s.responder.itemsToSend().size());
    assertTrue(s.bytes(true) + s.bytes(false) < 512, (s.bytes(true) + s.bytes(false)) + " bytes");
    // 20,000 items: a depth-3 node holds about 5, a leaf. Children of the root, of a depth-1 and of a depth-2 node,
    // the leaf's items, and the want that the responder takes in without answering.
    assertEquals(5, s.messageCount());
  }

  @Test
  void aFreshInitiatorIsSentEverythingAsTheRootNode() {
    Replicas r = Replicas.random(4, 20_000, 0, 0, 0);
    Session<Long> s = Session.run(new MerkleTree<>(), r.treeB(), DEFAULT);

    assertEquals(List.of(NodeAddress.ROOT), s.responder.nodesToSend());
    assertTrue(s.responder.itemsToSend().isEmpty());
    Fixtures.assertSameItems(Fixtures.hashes(r.b()), s.sentByResponder(), "everything B holds");
    assertTrue(s.sentByInitiator().isEmpty());
    assertEquals(1, s.messageCount(), "16 empty fingerprints, answered by nothing");
  }

  @Test
  void aFreshResponderIsSentEverythingAsTheRootNode() {
    Replicas r = Replicas.random(5, 20_000, 0, 0, 0);
    Session<Long> s = Session.run(r.treeA(), new MerkleTree<>(), DEFAULT);

    assertEquals(List.of(NodeAddress.ROOT), s.initiator.nodesToSend());
    assertTrue(s.initiator.itemsToSend().isEmpty());
    Fixtures.assertSameItems(Fixtures.hashes(r.a()), s.sentByInitiator(), "everything A holds");
    assertTrue(s.sentByResponder().isEmpty());
    assertEquals(2, s.messageCount(), "the root's children, an empty item list for the root");
  }

  @Test
  void aSubtreeThePeerHoldsNothingOfIsSentWholeByItsNode() {
    Replicas r = Replicas.random(6, 20_000, 0, 0, 0);
    MerkleTree<Long> b = r.treeB();
    NodeAddress missing = NodeAddress.ROOT.child(0xc).child(3);
    r.a().keySet().stream().filter(missing::contains).forEach(b::remove);

    Session<Long> s = Session.run(r.treeA(), b, DEFAULT);

    assertEquals(List.of(missing), s.initiator.nodesToSend());
    assertTrue(s.initiator.itemsToSend().isEmpty());
    assertTrue(s.sentByResponder().isEmpty());
    assertEquals(r.treeA().items(missing).size(), s.sentByInitiator().size());
  }

  @Test
  void afterApplyingTheExchangeBothRootsAreEqual() {
    MerkleTree<Long> a = SOME.treeA();
    MerkleTree<Long> b = SOME.treeB();
    assertNotEquals(a.root(), b.root());
    Session<Long> s = Session.run(a, b, DEFAULT);
    assertFindsExactly(SOME, s);

    Fixtures.applyExchange(s, a, b);

    assertEquals(a.root(), b.root());
    assertEquals(1, Session.run(a, b, DEFAULT).messageCount(), "a second session finds nothing");
  }

  @Test
  void cellsSharingTheirFirst64BitsAreToldApartAtTheDeepestNode() {
    MerkleTree<Long> a = new MerkleTree<>();
    MerkleTree<Long> b = new MerkleTree<>();
    for (int i = 0; i < 100; i++) {
      CellId cell = CellId.parse(String.format("abcdef0123456789%016x", i));
      a.put(cell, Fixtures.version(1), 1L);
      b.put(cell, Fixtures.version(i == 37 ? 2 : 1), i == 37 ? 2L : 1L);
    }
    Session<Long> s = Session.run(a, b, DEFAULT);

    CellId differing = CellId.parse(String.format("abcdef0123456789%016x", 37));
    assertEquals(Map.of(differing, Fixtures.hash(differing, 1)), s.sentByInitiator());
    assertEquals(Map.of(differing, Fixtures.hash(differing, 2)), s.sentByResponder());
  }

  @Test
  void theSaltChangesTheFingerprintsButNotWhatIsFound() {
    Session<Long> first = new Session<>(SOME.treeA(), SOME.treeB(), DEFAULT, 1).runToEnd();
    Session<Long> second = new Session<>(SOME.treeA(), SOME.treeB(), DEFAULT, 2).runToEnd();

    assertFindsExactly(SOME, first);
    assertFindsExactly(SOME, second);
    int header = MessageCodec.HEADER_BYTES;
    assertEquals(first.messages.get(0).length, second.messages.get(0).length);
    assertNotEquals(Arrays.toString(Arrays.copyOfRange(first.messages.get(0), header, first.messages.get(0).length)),
        Arrays.toString(Arrays.copyOfRange(second.messages.get(0), header, second.messages.get(0).length)),
        "the opening lists the same nodes with other fingerprints");
  }

  @Test
  void theResponderAdoptsTheInitiatorsFingerprintWidth() {
    Session<Long> s = new Session<>(SOME.treeA(), SOME.treeB(), DEFAULT.withFingerprintBytes(8), 9);
    s.runToEnd();

    assertFindsExactly(SOME, s);
    for (byte[] m : s.messages) {
      assertEquals(8, m[1], "width byte");
    }
  }

  @Test
  void onlyTheInitiatorOpensAndOnlyOnce() {
    Reconciliation<Long> initiator = Reconciliation.initiate(new MerkleTree<>(), DEFAULT, 1);
    initiator.firstMessage();
    assertEquals("only the initiator sends a first message, once",
        assertThrows(IllegalStateException.class, initiator::firstMessage).getMessage());
    assertThrows(IllegalStateException.class, () -> Reconciliation.respond(new MerkleTree<>(), DEFAULT)
        .firstMessage());
  }

  @Test
  void drainingAfterEveryStepVisitsEachItemToSendOnceAndAllOfThem() {
    Reconciliation<Long> a = Reconciliation.initiate(SOME.treeA(), DEFAULT, 3);
    Reconciliation<Long> b = Reconciliation.respond(SOME.treeB(), DEFAULT);
    Map<CellId, Digest> fromA = new HashMap<>();
    Map<CellId, Digest> fromB = new HashMap<>();
    byte[] m = a.firstMessage();
    Reconciliation<Long> turn = b;
    int steps = 0;
    while (m != null) {
      m = turn.receive(m);
      Map<CellId, Digest> into = turn == a ? fromA : fromB;
      turn.forEachNewToSend(item -> assertNull(into.put(item.cell(), item.hash()), "visited twice: " + item));
      turn = turn == a ? b : a;
      steps++;
    }
    assertTrue(steps >= 3);
    Fixtures.assertSameItems(SOME.aMinusB(), fromA, "A \\ B");
    Fixtures.assertSameItems(SOME.bMinusA(), fromB, "B \\ A");
  }

  // --- limits -------------------------------------------------------------------------------------------------

  @Test
  void smallMessageCapsTakeMoreMessagesButFindTheSameDifferences() {
    Replicas r = Replicas.random(7, 5_000, 300, 300, 300);
    Session<Long> roomy = Session.run(r.treeA(), r.treeB(), DEFAULT);
    ReconcileLimits tight = new ReconcileLimits(4, 8, 512, 8, 10_000);
    Session<Long> capped = Session.run(r.treeA(), r.treeB(), tight);

    assertFindsExactly(r, roomy);
    assertFindsExactly(r, capped);
    assertTrue(capped.messageCount() > 2 * roomy.messageCount(),
        capped.messageCount() + " messages capped, " + roomy.messageCount() + " not");
    assertTrue(capped.largestMessage() <= 512, "largest message " + capped.largestMessage() + " bytes");
  }

  @Test
  void aCapOnItemsPerMessageAloneSplitsLeavesAcrossMessages() {
    Replicas r = Replicas.random(8, 5_000, 300, 300, 300);
    Session<Long> roomy = Session.run(r.treeA(), r.treeB(), DEFAULT);
    Session<Long> capped = Session.run(r.treeA(), r.treeB(), DEFAULT.withMaxItemsPerMessage(32)
        .withMaxMessages(10_000));

    assertFindsExactly(r, capped);
    assertTrue(capped.messageCount() > roomy.messageCount());
    for (int i = 0; i < capped.messageCount(); i++) {
      assertTrue(fingerprintsIn(capped.messages.get(i)) <= 32, "message " + i);
    }
  }

  /** Item fingerprints listed in a message (items and want entries). */
  private static int fingerprintsIn(byte[] message) {
    int n = 0;
    for (Entry e : MessageCodec.decode(message, Integer.MAX_VALUE).entries()) {
      if (e instanceof Entry.Items i) {
        n += i.fingerprints().length;
      } else if (e instanceof Entry.Want w) {
        n += w.fingerprints().length;
      }
    }
    return n;
  }

  @Test
  void aSessionThatNeedsMoreThanMaxMessagesFailsSayingSo() {
    Replicas r = Replicas.random(9, 5_000, 0, 0, 1);
    // 5,000 items: children of the root and of a depth-1 node, a depth-2 leaf's items, the want: four messages.
    Reconciliation<Long> a = Reconciliation.initiate(r.treeA(), DEFAULT.withMaxMessages(3), 1);
    Reconciliation<Long> b = Reconciliation.respond(r.treeB(), DEFAULT.withMaxMessages(3));
    byte[] m1 = a.firstMessage();
    byte[] m2 = b.receive(m1);
    byte[] m3 = a.receive(m2);
    byte[] m4 = b.receive(m3);

    ReconcileException e = assertThrows(ReconcileException.class, () -> a.receive(m4));
    assertTrue(e.getMessage().startsWith("reconciliation did not finish within 3 messages ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("start a new session"), e.getMessage());
  }

  // --- malformed and foreign messages -------------------------------------------------------------------------

  /** Bytes appended after a valid message, making a bad entry at its end. */
  private static UnaryOperator<byte[]> append(int... bytes) {
    return m -> {
      byte[] out = Arrays.copyOf(m, m.length + bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        out[m.length + i] = (byte) bytes[i];
      }
      return out;
    };
  }

  private static UnaryOperator<byte[]> set(int at, int value) {
    return m -> {
      byte[] out = m.clone();
      out[at] = (byte) value;
      return out;
    };
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("empty", (UnaryOperator<byte[]>) m -> new byte[0], "at byte 0: truncated in version"),
        Arguments.of("cut in the salt", (UnaryOperator<byte[]>) m -> Arrays.copyOf(m, 9), "truncated in salt"),
        Arguments.of("last byte cut", (UnaryOperator<byte[]>) m -> Arrays.copyOf(m, m.length - 1),
            "truncated in |fingerprints longer than the rest of the message"),
        Arguments.of("unknown format version", set(0, 2),
            "reconciliation message format 2 is not supported (this side speaks 1); upgrade the older peer"),
        Arguments.of("fingerprint width out of range", set(1, 9),
            "reconciliation message has fingerprint width 9, expected 4 to 8"),
        Arguments.of("unknown flags", set(2, 4), ": unknown flags 4"),
        Arguments.of("node too deep", append(3 << 5 | 17), ": node depth 17 is deeper than 16"),
        Arguments.of("digit beyond depth", append(3 << 5 | 1, 0x1f, 0), ": node address has digits beyond its depth 1"),
        Arguments.of("grandchildren below the deepest level", append(2 << 5 | 15, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x80),
            ": descendants of a node at depth 15 would lie below the deepest level 16"),
        Arguments.of("fewer than 16 children", append(1 << 5, 1, 2, 3, 4, 5, 6, 7, 8), "truncated in fingerprint"),
        Arguments.of("more fingerprints than bytes", append(3 << 5, 0xe8, 0x07),
            ": a list of 1000 fingerprints longer than the rest of the message"),
        Arguments.of("varint over 63 bits", append(4 << 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
            ": fingerprint count is longer than 63 bits"),
        Arguments.of("unknown entry kind", append(7 << 5), ": unknown entry kind 7"),
        Arguments.of("entry kind zero", append(0), ": unknown entry kind 0"),
        Arguments.of("oversized", (UnaryOperator<byte[]>) m -> Arrays.copyOf(m, DEFAULT.maxMessageBytes() + 1),
            "bytes exceeds the limit of 1048576 bytes"),
        Arguments.of("another session's salt", set(9, 0x77),
            "reconciliation message belongs to another session (salt or fingerprint width differ); start a new"
                + " session"));
  }

  /**
   * Before each real message, its receiver is handed a corrupted copy: it must throw saying what is wrong (one of the
   * {@code |}-separated phrases of {@code expected}), and then
   * carry on with the real message exactly as if the bad one had never come, down to the bytes of every later
   * message.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void aBadMessageIsRejectedSayingWhyAndLeavesTheSessionAsItWas(String name, UnaryOperator<byte[]> corrupt,
      String expected) {
    Session<Long> clean = Session.run(SOME.treeA(), SOME.treeB(), DEFAULT);
    assertTrue(clean.messageCount() >= 4, "a session long enough to carry every kind of entry");

    Reconciliation<Long> a = Reconciliation.initiate(SOME.treeA(), DEFAULT, 0x5eed_5a17L);
    Reconciliation<Long> b = Reconciliation.respond(SOME.treeB(), DEFAULT);
    List<byte[]> messages = new ArrayList<>();
    byte[] m = a.firstMessage();
    Reconciliation<Long> turn = b;
    int rejected = 0;
    while (m != null) {
      messages.add(m);
      // The first message sets the session's salt: a different one there is simply another session.
      boolean applies = !(name.equals("another session's salt") && messages.size() == 1);
      if (applies) {
        byte[] bad = corrupt.apply(m);
        Reconciliation<Long> receiver = turn;
        ReconcileException e = assertThrows(ReconcileException.class, () -> receiver.receive(bad),
            "message " + messages.size());
        assertTrue(Arrays.stream(expected.split("\\|")).anyMatch(e.getMessage()::contains), e.getMessage());
        rejected++;
      }
      m = turn.receive(m);
      turn = turn == a ? b : a;
    }

    assertTrue(rejected >= clean.messageCount() - 1);
    assertEquals(clean.messageCount(), messages.size());
    for (int i = 0; i < messages.size(); i++) {
      assertArrayEquals(clean.messages.get(i), messages.get(i), "message " + i);
    }
    Map<CellId, Digest> fromA = new HashMap<>();
    a.forEachToSend(item -> fromA.put(item.cell(), item.hash()));
    Map<CellId, Digest> fromB = new HashMap<>();
    b.forEachToSend(item -> fromB.put(item.cell(), item.hash()));
    Fixtures.assertSameItems(SOME.aMinusB(), fromA, "A \\ B");
    Fixtures.assertSameItems(SOME.bMinusA(), fromB, "B \\ A");
    assertEquals(clean.initiator.messagesReceived(), a.messagesReceived(), "rejected messages are not counted");
    assertEquals(clean.responder.bytesReceived(), b.bytesReceived());
  }

  @Test
  void aMalformedMessageNamesTheBytePositionWhereItWentWrong() {
    Reconciliation<Long> b = Reconciliation.respond(new MerkleTree<>(), DEFAULT);
    byte[] header = {1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    byte[] bad = append(7 << 5).apply(header);
    assertEquals("malformed reconciliation message at byte 12: unknown entry kind 7",
        assertThrows(ReconcileException.class, () -> b.receive(bad)).getMessage());
  }

  @Test
  void aHandWrittenOpeningIsUnderstood() {
    // version 1, width 4, no flags, salt 1; children (kind 1) of the root (depth 0): 16 empty fingerprints
    byte[] opening = new byte[11 + 1 + 64];
    opening[0] = 1;
    opening[1] = 4;
    opening[10] = 1;
    opening[11] = 1 << 5;
    assertArrayEquals(opening, Reconciliation.initiate(new MerkleTree<>(), DEFAULT, 1).firstMessage(),
        "the initiator of an empty tree writes exactly this");

    assertNull(Reconciliation.respond(new MerkleTree<>(), DEFAULT).receive(opening), "an empty responder agrees");
    MerkleTree<Long> one = new MerkleTree<>();
    one.put(CellId.parse("00112233445566778899aabbccddeeff"), Fixtures.version(1), 1L);
    Reconciliation<Long> b = Reconciliation.respond(one, DEFAULT);
    assertNull(b.receive(opening), "a responder with one item has nothing to ask");
    assertEquals(List.of(NodeAddress.ROOT), b.nodesToSend(), "and sends everything it holds");
  }
}
