package dev.lattice.merkle;

/** One statement of a reconciliation message about one node. */
sealed interface Entry {
  NodeAddress node();

  /** "My node has this many items with this full digest." Opens a session at the root. */
  record Summary(NodeAddress node, long count, Digest digest) implements Entry {}

  /** "My node's children have these counts and fingerprints" (fingerprint ignored where the count is 0). */
  record Children(NodeAddress node, long[] counts, long[] fingerprints) implements Entry {}

  /** "These are the fingerprints of all my items below the node." */
  record Items(NodeAddress node, long[] fingerprints) implements Entry {}

  /** "Send me your items below the node with these fingerprints: I lack them." */
  record Want(NodeAddress node, long[] fingerprints) implements Entry {}
}
