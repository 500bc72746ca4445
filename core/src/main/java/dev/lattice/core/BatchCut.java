package dev.lattice.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * How what a peer lacks is cut into batches, by devices and the relay alike. The sender streams, for every site in
 * site-id order (a <em>pass</em>), the versions above the peer's entry for that site in sequence order, each entry
 * whole (a row version with every cell of its row, or one newer column version or contribution). A batch ends once it
 * holds at least the most cells asked for, after a whole entry; it covers every finished pass up to the sender's
 * vector and the current pass up to its last entry, so the peer asks again with its new vector and resumes there.
 *
 * <p>A pass stops at the sender's own entry for its site: versions above it came inside other sites' row entries or
 * from a reconciliation, and covering them would vouch for versions of that site in between that the sender never
 * received. Whoever's vector counts them sends them.
 */
public final class BatchCut {
  private final VersionVector offered;
  private final int maxCells;
  private int cells;

  /**
   * A batch from a sender whose vector is {@code offered}, ending once it holds at least {@code maxCells} cells.
   *
   * @throws IllegalArgumentException if {@code maxCells} is below 1
   */
  public BatchCut(VersionVector offered, int maxCells) {
    if (maxCells < 1) {
      throw new IllegalArgumentException("a batch holds at least 1 cell, was asked for " + maxCells);
    }
    this.offered = offered;
    this.maxCells = maxCells;
  }

  /** The sender's vector, which a batch that finishes every pass covers. */
  public VersionVector offered() {
    return offered;
  }

  /** Whether an entry at {@code seq} of {@code site}'s pass may be sent: the sender's vector vouches for it. */
  public boolean vouchesFor(SiteId site, long seq) {
    return offered.covers(site, seq);
  }

  /** Counts an entry of {@code entryCells} cells into the batch; returns whether the batch is now full. */
  public boolean add(int entryCells) {
    cells += entryCells;
    return cells >= maxCells;
  }

  /** What a batch that ends after the entry at {@code passSeq} of {@code passSite}'s pass covers. */
  public VersionVector coversUpTo(SiteId passSite, long passSeq) {
    Map<SiteId, Long> covered = new TreeMap<>(offered.entries());
    covered.keySet().removeIf(site -> site.compareTo(passSite) >= 0);
    covered.put(passSite, passSeq);
    return VersionVector.of(covered);
  }
}
