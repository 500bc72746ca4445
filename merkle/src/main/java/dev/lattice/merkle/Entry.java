package dev.lattice.merkle;

/** One statement of a reconciliation message about one node. */
sealed interface Entry {
  NodeAddress node();

  /**
   * "The nodes {@code levels} below this one (16 or 256 of them, in address order) have these fingerprints"; 0 marks
   * an empty node, so no counts travel.
   */
  record Descendants(NodeAddress node, int levels, long[] fingerprints) implements Entry {}

  /** "These are the fingerprints of all my items below the node." */
  record Items(NodeAddress node, long[] fingerprints) implements Entry {}

  /** "Send me your items below the node with these fingerprints: I lack them." */
  record Want(NodeAddress node, long[] fingerprints) implements Entry {}
}
