package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tree summarises a set of (cell, version) items so that equal sets have equal roots whatever their history, and
 * every node's summary is the sum over exactly the items below it.
 */
class MerkleTreeTest {
  /**
   * Large enough to make the tree regrow its buckets three times (above GROW_AT, 16 x GROW_AT and 256 x GROW_AT
   * items), so that summaries are read both from kept levels and from buckets at every bucket depth up to 3.
   */
  private static final int LARGE = 100_000;

  private static Map<CellId, Long> large;
  private static MerkleTree<Long> largeTree;

  @BeforeAll
  static void buildLargeTree() {
    assertTrue(LARGE > MerkleTree.GROW_AT << 8, "the large tree must cross bucket depths 1, 2 and 3");
    large = model(new Random(11), LARGE);
    largeTree = Fixtures.tree(large);
  }

  private static Map<CellId, Long> model(Random random, int n) {
    Map<CellId, Long> m = new LinkedHashMap<>();
    while (m.size() < n) {
      m.put(Fixtures.randomCell(random), (long) random.nextInt(1000));
    }
    return m;
  }

  /** Every node that holds at least one item, at depths 0 to {@code maxDepth}, with its expected summary. */
  private static Map<NodeAddress, NodeSummary> expectedSummaries(Map<CellId, Digest> items, int maxDepth) {
    Map<NodeAddress, NodeSummary> out = new HashMap<>();
    items.forEach((cell, hash) -> {
      for (int depth = 0; depth <= maxDepth; depth++) {
        out.merge(Fixtures.nodeOf(cell, depth), new NodeSummary(1, hash),
            (x, y) -> new NodeSummary(x.count() + y.count(), x.digest().plus(y.digest())));
      }
    });
    return out;
  }

  @Test
  void anEmptyTreeSummarisesNothing() {
    MerkleTree<Long> tree = new MerkleTree<>();
    assertEquals(NodeSummary.EMPTY, tree.root());
    assertEquals(0, tree.size());
    assertEquals(NodeSummary.EMPTY, tree.summary(NodeAddress.ROOT.child(5).child(1)));
    assertTrue(tree.items(NodeAddress.ROOT).isEmpty());
    assertNull(tree.get(CellId.parse("00000000000000000000000000000000")));
  }

  @Test
  void theRootIsTheCountAndSumOfEveryItemsHash() {
    Digest sum = Digest.ZERO;
    for (Map.Entry<CellId, Long> e : large.entrySet()) {
      sum = sum.plus(Fixtures.hash(e.getKey(), e.getValue()));
    }
    assertEquals(new NodeSummary(LARGE, sum), largeTree.root());
    assertEquals(LARGE, largeTree.size());
  }

  @Test
  void equalSetsHaveEqualRootsWhateverTheInsertionOrder() {
    List<CellId> cells = new ArrayList<>(large.keySet());
    Collections.shuffle(cells, new Random(12));
    MerkleTree<Long> shuffled = new MerkleTree<>();
    cells.forEach(cell -> shuffled.put(cell, Fixtures.version(large.get(cell)), large.get(cell)));
    Collections.sort(cells, Collections.reverseOrder());
    MerkleTree<Long> descending = new MerkleTree<>();
    cells.forEach(cell -> descending.put(cell, Fixtures.hash(cell, large.get(cell)), large.get(cell)));

    assertEquals(largeTree.root(), shuffled.root());
    assertEquals(largeTree.root(), descending.root());
  }

  @Test
  void equalSetsHaveEqualRootsWhateverTheChurnOnTheWay() {
    Random random = new Random(13);
    MerkleTree<Long> churned = new MerkleTree<>();
    List<CellId> cells = new ArrayList<>(large.keySet());
    Map<CellId, Long> extra = model(random, 30_000);
    // Interleaved: each final item goes in at a wrong version first, while extra items come and go, so that
    // the buckets regrow (at 65, 1,025 and 16,385 items) with wrong versions and soon-removed items inside.
    List<CellId> extraCells = new ArrayList<>(extra.keySet());
    for (int i = 0; i < cells.size(); i++) {
      CellId cell = cells.get(i);
      churned.put(cell, Fixtures.version(large.get(cell) + 1_000_000), -1L);
      if (i < extraCells.size()) {
        churned.put(extraCells.get(i), Fixtures.version(extra.get(extraCells.get(i))), 0L);
      }
      if (i % 3 == 2 && i / 3 < extraCells.size()) {
        assertTrue(churned.remove(extraCells.get(i / 3)));
      }
    }
    for (CellId cell : extraCells) {
      churned.remove(cell);
    }
    Collections.shuffle(cells, random);
    for (CellId cell : cells) {
      churned.put(cell, Fixtures.version(large.get(cell)), large.get(cell));
    }

    assertEquals(LARGE, churned.size());
    assertEquals(largeTree.root(), churned.root());
    assertEquals(largeTree.items(NodeAddress.ROOT), churned.items(NodeAddress.ROOT));
  }

  @Test
  void removingEveryItemLeavesTheEmptyRoot() {
    Map<CellId, Long> m = model(new Random(14), 5_000);
    MerkleTree<Long> tree = Fixtures.tree(m);
    m.keySet().forEach(cell -> assertTrue(tree.remove(cell)));
    assertEquals(NodeSummary.EMPTY, tree.root());
    assertEquals(0, tree.size());
    assertTrue(tree.items(NodeAddress.ROOT).isEmpty());
  }

  @Test
  void anySingleAddRemoveOrVersionChangeChangesTheRoot() {
    Random random = new Random(15);
    Map<CellId, Long> m = model(random, 2_000);
    MerkleTree<Long> tree = Fixtures.tree(m);
    NodeSummary before = tree.root();
    List<CellId> cells = new ArrayList<>(m.keySet());

    for (int i = 0; i < 50; i++) {
      CellId added = Fixtures.randomCell(random);
      tree.put(added, Fixtures.version(1), 1L);
      assertNotEquals(before, tree.root(), "added " + added);
      assertTrue(tree.remove(added));
      assertEquals(before, tree.root(), "and removed again");

      CellId existing = cells.get(i);
      long version = m.get(existing);
      tree.put(existing, Fixtures.version(version + 1), version + 1);
      assertNotEquals(before.digest(), tree.root().digest(), "version of " + existing + " changed");
      assertEquals(before.count(), tree.root().count());
      tree.put(existing, Fixtures.version(version), version);
      assertEquals(before, tree.root(), "and changed back");

      assertTrue(tree.remove(existing));
      assertNotEquals(before, tree.root(), "removed " + existing);
      tree.put(existing, Fixtures.version(version), version);
      assertEquals(before, tree.root(), "and put back");
    }
  }

  @Test
  void everySummaryIsTheSumOverTheItemsBelowItAtEveryDepth() {
    Map<CellId, Digest> items = Fixtures.hashes(large);
    // The large tree keeps levels 0-3 and sums deeper nodes from its buckets: check both kinds, and every depth down
    // to the deepest along the way of a sample of cells.
    Map<NodeAddress, NodeSummary> expected = expectedSummaries(items, 5);
    for (Map.Entry<NodeAddress, NodeSummary> e : expected.entrySet()) {
      assertEquals(e.getValue(), largeTree.summary(e.getKey()), e.getKey().toString());
    }
    assertEquals(1 + 16 + 256 + 4096, expected.keySet().stream().filter(n -> n.depth() <= 3).count(),
        "every node down to depth 3 holds items, so each was checked");
    for (int i = 0; i < 1 << 16; i++) {
      NodeAddress node = new NodeAddress(4, (long) i << 48);
      assertEquals(expected.getOrDefault(node, NodeSummary.EMPTY), largeTree.summary(node), node.toString());
    }
    assertTrue(expected.keySet().stream().filter(n -> n.depth() == 4).count() < 1 << 16,
        "some depth-4 nodes are empty, so empty nodes below the kept levels were checked too");
    TreeMap<CellId, Digest> sorted = new TreeMap<>(items);
    List<CellId> cells = new ArrayList<>(items.keySet());
    Random random = new Random(16);
    int shared = 0;
    for (int i = 0; i < 300; i++) {
      CellId cell = cells.get(random.nextInt(cells.size()));
      for (int depth = 6; depth <= NodeAddress.MAX_DEPTH; depth++) {
        NodeAddress node = Fixtures.nodeOf(cell, depth);
        // The cells below a node are a contiguous range in cell id order.
        Map<CellId, Digest> below = sorted.subMap(new CellId(node.first(), 0), true, new CellId(node.last(), -1), true);
        assertEquals(Fixtures.bruteForce(below, NodeAddress.ROOT), largeTree.summary(node), node.toString());
        shared += below.size() > 1 ? 1 : 0;
      }
    }
    assertTrue(shared > 0, "some of the deep nodes checked hold more than one item");
  }

  @Test
  void summariesAreRightInSmallTreesAtEveryBucketDepthTheyPassThrough() {
    Random random = new Random(17);
    MerkleTree<Long> tree = new MerkleTree<>();
    TreeMap<CellId, Digest> items = new TreeMap<>();
    for (int n : new int[] {1, 10, 64, 65, 500, 1_024, 1_025, 3_000}) {
      while (items.size() < n) {
        CellId cell = Fixtures.randomCell(random);
        items.put(cell, Fixtures.hash(cell, 7));
        tree.put(cell, Fixtures.version(7), 7L);
      }
      for (Map.Entry<NodeAddress, NodeSummary> e : expectedSummaries(items, 4).entrySet()) {
        assertEquals(e.getValue(), tree.summary(e.getKey()), n + " items, node " + e.getKey());
        assertEquals(e.getValue(), Fixtures.bruteForce(items, e.getKey()));
      }
      assertEquals(NodeSummary.EMPTY, tree.summary(emptyNode(items, 4)), n + " items, an empty node");
    }
  }

  /** A depth-{@code depth} node holding none of {@code items}. */
  private static NodeAddress emptyNode(Map<CellId, Digest> items, int depth) {
    Random random = new Random(depth);
    while (true) {
      NodeAddress node = Fixtures.nodeOf(Fixtures.randomCell(random), depth);
      if (items.keySet().stream().noneMatch(node::contains)) {
        return node;
      }
    }
  }

  @Test
  void cellsSharingTheirFirst64BitsAreSummedTogetherAtTheDeepestNode() {
    MerkleTree<Long> tree = new MerkleTree<>();
    Map<CellId, Digest> items = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      CellId cell = CellId.parse(String.format("abcdef0123456789%016x", i * 0x0101_0101_0101L));
      items.put(cell, Fixtures.hash(cell, i));
      tree.put(cell, Fixtures.version(i), (long) i);
    }
    NodeAddress deepest = new NodeAddress(NodeAddress.MAX_DEPTH, 0xabcdef0123456789L);
    assertEquals(Fixtures.bruteForce(items, NodeAddress.ROOT), tree.summary(deepest));
    assertEquals(new ArrayList<>(items.keySet()), tree.items(deepest).stream().map(Item::cell).toList());
  }

  @Test
  void childrenAreTheSummariesOfTheSixteenChildNodesAndAddUpToTheirParent() {
    Random random = new Random(18);
    List<CellId> cells = new ArrayList<>(large.keySet());
    for (int i = 0; i < 100; i++) {
      NodeAddress node = Fixtures.nodeOf(cells.get(random.nextInt(cells.size())), random.nextInt(8));
      NodeSummary[] children = largeTree.children(node);
      assertEquals(MerkleTree.FAN_OUT, children.length);
      long count = 0;
      Digest sum = Digest.ZERO;
      for (int digit = 0; digit < MerkleTree.FAN_OUT; digit++) {
        assertEquals(largeTree.summary(node.child(digit)), children[digit], node + " digit " + digit);
        count += children[digit].count();
        sum = sum.plus(children[digit].digest());
      }
      assertEquals(largeTree.summary(node), new NodeSummary(count, sum), node.toString());
    }
  }

  @Test
  void itemsAreExactlyThoseBelowTheNodeInCellIdOrder() {
    TreeMap<CellId, Digest> items = Fixtures.hashes(large);
    Random random = new Random(19);
    List<CellId> cells = new ArrayList<>(items.keySet());
    List<NodeAddress> nodes = new ArrayList<>(List.of(NodeAddress.ROOT, NodeAddress.ROOT.child(0),
        NodeAddress.ROOT.child(15), emptyNode(items, 5)));
    for (int i = 0; i < 60; i++) {
      nodes.add(Fixtures.nodeOf(cells.get(random.nextInt(cells.size())), 1 + i % 8));
    }
    for (NodeAddress node : nodes) {
      List<Item<Long>> expected = new ArrayList<>();
      items.forEach((cell, hash) -> {
        if (node.contains(cell)) {
          expected.add(new Item<>(cell, hash, large.get(cell)));
        }
      });
      assertEquals(expected, largeTree.items(node), node.toString());
      List<Item<Long>> visited = new ArrayList<>();
      largeTree.forEach(node, visited::add);
      assertEquals(expected, visited, node.toString());
    }
  }

  @Test
  void putReplacesTheCellsItemWithoutChangingTheSize() {
    Random random = new Random(20);
    Map<CellId, Long> m = model(random, 300);
    MerkleTree<Long> tree = Fixtures.tree(m);
    CellId cell = m.keySet().iterator().next();

    tree.put(cell, Fixtures.version(5_000), 5_000L);
    assertEquals(300, tree.size());
    assertEquals(new Item<>(cell, Fixtures.hash(cell, 5_000), 5_000L), tree.get(cell));

    NodeSummary root = tree.root();
    tree.put(cell, Fixtures.version(5_000), 42L);
    assertEquals(300, tree.size());
    assertEquals(root, tree.root(), "the same version again: the root does not move");
    assertEquals(42L, tree.get(cell).tag(), "but the new tag is kept");
  }

  @Test
  void removingACellItDoesNotHoldReturnsFalseAndChangesNothing() {
    Random random = new Random(21);
    Map<CellId, Long> m = model(random, 300);
    MerkleTree<Long> tree = Fixtures.tree(m);
    NodeSummary root = tree.root();
    CellId absent = Fixtures.randomCell(random);

    assertFalse(tree.remove(absent));
    assertEquals(root, tree.root());
    assertEquals(300, tree.size());
    assertNull(tree.get(absent));

    CellId present = m.keySet().iterator().next();
    assertTrue(tree.remove(present));
    assertFalse(tree.remove(present), "a second time");
    assertEquals(299, tree.size());
    assertNull(tree.get(present));
  }

  @Test
  void clearLeavesAnEmptyTreeThatWorksAsNew() {
    MerkleTree<Long> tree = Fixtures.tree(model(new Random(22), 2_000));
    tree.clear();
    assertEquals(NodeSummary.EMPTY, tree.root());
    assertEquals(0, tree.size());
    Map<CellId, Long> again = model(new Random(23), 100);
    again.forEach((cell, v) -> tree.put(cell, Fixtures.version(v), v));
    assertEquals(Fixtures.tree(again).root(), tree.root());
  }

  @Test
  void aCopyHoldsTheSameItemsAndChangesIndependently() {
    MerkleTree<Long> original = Fixtures.tree(large);
    MerkleTree<Long> copy = original.copy();
    assertEquals(original.root(), copy.root());
    assertEquals(original.items(NodeAddress.ROOT), copy.items(NodeAddress.ROOT));

    CellId first = large.keySet().iterator().next();
    copy.remove(first);
    copy.put(Fixtures.randomCell(new Random(99)), Fixtures.version(1), 1L);
    assertEquals(largeTree.root(), original.root(), "the original did not change with its copy");
    original.put(first, Fixtures.version(5_000), 5_000L);
    assertNull(copy.get(first), "nor the copy with its original");
  }
}
