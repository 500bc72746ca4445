package dev.lattice.merkle;

/**
 * What a node says about the items below it: how many there are and the sum of their hashes. Equal summaries mean
 * equal item sets, up to the 2^-128 chance of a collision.
 */
public record NodeSummary(long count, Digest digest) {
  /** The summary of an empty node. */
  public static final NodeSummary EMPTY = new NodeSummary(0, Digest.ZERO);

  @Override
  public String toString() {
    return count + " items, digest " + digest;
  }
}
