package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.merkle.Fixtures.Replicas;
import dev.lattice.merkle.Fixtures.Session;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * Whatever two replicas hold, one session finds exactly the items each lacks: the initiator's items to send are A \ B
 * and the responder's B \ A (items compared by cell and hash), each named once, and after each side takes in what the
 * other sent, keeping the newer version of a cell both hold, the roots are equal.
 *
 * <p>The replicas share a random base of up to 20,000 cells and differ by up to 300 cells only A holds, 300 only B
 * holds and 300 both hold at different versions. The seed is fixed, so every build checks the same cases; a failing
 * case prints its parameters, and {@link Replicas#random} rebuilds it from them.
 */
class ReconciliationProperties {
  @Provide
  Arbitrary<ReconcileLimits> limits() {
    return Arbitraries.oneOf(
        Arbitraries.just(ReconcileLimits.DEFAULT),
        Arbitraries.just(ReconcileLimits.DEFAULT.withFingerprintBytes(8)),
        Arbitraries.just(ReconcileLimits.DEFAULT.withLeafItems(1)),
        Arbitraries.just(ReconcileLimits.DEFAULT.withLeafItems(200).withFingerprintBytes(5)));
  }

  /** Uniform, not jqwik's default bias towards small numbers, so that large trees are tried as often as small. */
  @Provide
  Arbitrary<Integer> base() {
    return Arbitraries.integers().between(0, 20_000).withDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<Integer> differences() {
    return Arbitraries.integers().between(0, 300).withDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 120, seed = "20261122")
  void aSessionFindsExactlyWhatEachSideLacksAndApplyingItMakesTheRootsEqual(
      @ForAll("base") int base,
      @ForAll("differences") int onlyA,
      @ForAll("differences") int onlyB,
      @ForAll("differences") int changed,
      @ForAll long seed,
      @ForAll("limits") ReconcileLimits limits) {
    Replicas r = Replicas.random(seed, base, onlyA, onlyB, changed);
    MerkleTree<Long> a = r.treeA();
    MerkleTree<Long> b = r.treeB();

    Session<Long> s = new Session<>(a, b, limits, seed).runToEnd();

    Fixtures.assertSameItems(r.aMinusB(), s.sentByInitiator(), "A \\ B");
    Fixtures.assertSameItems(r.bMinusA(), s.sentByResponder(), "B \\ A");
    s.assertCountersAgree();
    assertTrue(s.largestMessage() <= limits.maxMessageBytes());
    if (r.aMinusB().isEmpty() && r.bMinusA().isEmpty()) {
      assertEquals(1, s.messageCount(), "nothing to find: the opening goes unanswered");
    }

    Fixtures.applyExchange(s, a, b);

    Map<CellId, Long> newest = new HashMap<>(r.a());
    r.b().forEach((cell, counter) -> newest.merge(cell, counter, Math::max));
    NodeSummary expected = Fixtures.tree(newest).root();
    assertEquals(expected, a.root(), "A holds the newest version of every cell");
    assertEquals(expected, b.root(), "and so does B");
  }
}
