package dev.lattice.merkle;

/**
 * A node of the tree, named the same way on every replica: its depth and the first {@code depth} hex digits that
 * every cell id below it starts with. The root has depth 0; each node has {@value MerkleTree#FAN_OUT} children, one per
 * next digit. Addresses deeper than {@value #MAX_DEPTH} are not needed: 64 bits of a hash separate any practical set.
 *
 * @param depth 0 to {@value #MAX_DEPTH}
 * @param prefix the node's digits in the top {@code 4 * depth} bits, the other bits zero
 */
public record NodeAddress(int depth, long prefix) {
  /** Deepest address: 16 digits of 4 bits, the cell id's first 64 bits. */
  public static final int MAX_DEPTH = 16;

  /** The root: every cell. */
  public static final NodeAddress ROOT = new NodeAddress(0, 0);

  public NodeAddress {
    if (depth < 0 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("node depth is 0 to " + MAX_DEPTH + ", was " + depth);
    }
    if ((prefix & ~mask(depth)) != 0) {
      throw new IllegalArgumentException("node prefix " + Long.toHexString(prefix) + " has bits below depth " + depth);
    }
  }

  /** The {@code digit}-th child (0 to 15). */
  public NodeAddress child(int digit) {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("a node at depth " + MAX_DEPTH + " has no children");
    }
    if (digit < 0 || digit >= MerkleTree.FAN_OUT) {
      throw new IllegalArgumentException("a child digit is 0 to 15, was " + digit);
    }
    return new NodeAddress(depth + 1, prefix | ((long) digit << (60 - 4 * depth)));
  }

  /** True if {@code cell} lies below this node. */
  public boolean contains(CellId cell) {
    return (cell.hi & mask(depth)) == prefix;
  }

  /** The node's index among the {@code 16^depth} nodes of its depth. */
  int index() {
    return depth == 0 ? 0 : (int) (prefix >>> (64 - 4 * depth));
  }

  /** The lowest first-64-bits a cell below this node can have; cells below it end before that of the next node. */
  long first() {
    return prefix;
  }

  /** The highest first-64-bits (unsigned) a cell below this node can have. */
  long last() {
    return prefix | ~mask(depth);
  }

  static long mask(int depth) {
    return depth == 0 ? 0 : -1L << (64 - 4 * depth);
  }

  @Override
  public String toString() {
    if (depth == 0) {
      return "root";
    }
    String hex = String.format("%016x", prefix);
    return hex.substring(0, depth);
  }
}
