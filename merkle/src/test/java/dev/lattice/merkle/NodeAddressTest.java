package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A node is named by its depth and the cell id digits every cell below it starts with. */
class NodeAddressTest {
  private static final CellId CELL = CellId.parse("3a7f0000000000000000000000000001");

  @Test
  void theRootHasDepthZeroAndContainsEveryCell() {
    assertEquals(new NodeAddress(0, 0), NodeAddress.ROOT);
    assertEquals("root", NodeAddress.ROOT.toString());
    Random random = new Random(5);
    for (int i = 0; i < 100; i++) {
      assertTrue(NodeAddress.ROOT.contains(Fixtures.randomCell(random)));
    }
  }

  @Test
  void aChildAppendsOneDigit() {
    NodeAddress n = NodeAddress.ROOT.child(3).child(0xa).child(7);
    assertEquals(3, n.depth());
    assertEquals(0x3a70_0000_0000_0000L, n.prefix());
    assertEquals("3a7", n.toString());
    assertEquals(new NodeAddress(2, 0x3a00_0000_0000_0000L).child(7), n);
  }

  @Test
  void aNodeContainsExactlyTheCellsStartingWithItsDigits() {
    NodeAddress node = NodeAddress.ROOT;
    for (int depth = 0; depth < NodeAddress.MAX_DEPTH; depth++) {
      assertTrue(node.contains(CELL), node.toString());
      int digit = CELL.nibble(depth);
      assertFalse(node.child((digit + 1) % 16).contains(CELL), "sibling of " + node.child(digit));
      node = node.child(digit);
    }
    assertEquals(NodeAddress.MAX_DEPTH, node.depth());
    assertEquals("3a7f000000000000", node.toString());
    assertTrue(node.contains(CELL), "the deepest node");
    assertTrue(node.contains(CellId.parse("3a7f000000000000ffffffffffffffff")), "the low half is below every node");
  }

  @Test
  void theDeepestNodeHasNoChildren() {
    NodeAddress deepest = new NodeAddress(NodeAddress.MAX_DEPTH, -1L);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> deepest.child(0));
    assertEquals("a node at depth 16 has no children", e.getMessage());
  }

  @Test
  void aDepthOutsideZeroToSixteenIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeAddress(17, 0));
    assertEquals("node depth is 0 to 16, was 17", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NodeAddress(-1, 0));
  }

  @Test
  void prefixBitsBelowTheDepthAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NodeAddress(1, 0x3100_0000_0000_0000L));
    assertEquals("node prefix 3100000000000000 has bits below depth 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NodeAddress(0, 1), "the root has no digits");
    assertThrows(IllegalArgumentException.class, () -> new NodeAddress(15, 1), "the last bit of the first 64");
  }

  @Test
  void aChildDigitOutsideZeroToFifteenIsRejected() {
    NodeAddress n = NodeAddress.ROOT.child(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.child(16));
    assertEquals("a child digit is 0 to 15, was 16", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> n.child(-1));
    assertThrows(IllegalArgumentException.class, () -> NodeAddress.ROOT.child(16), "not silently child 0");
  }
}
