package dev.lattice.sync.session;

/**
 * Where a running sync is; sent to a listener after every batch.
 *
 * @param phase what the sync is doing
 * @param cellsReceived cell versions received so far
 * @param cellsSent cell versions sent so far
 * @param workDone of {@code workTotal}, the writes now held by the side that lacked them
 * @param workTotal the writes (sequence numbers) the two version vectors differ by when the peer answered hello: the
 *     work of the pull and push phases, known from the start. A write may carry several cells, and superseded writes
 *     are skipped, so it does not count cells; 0 before the peer answered and when the vectors agree
 */
public record SyncProgress(Phase phase, long cellsReceived, long cellsSent, long workDone, long workTotal) {
  /** The phases of a sync, in order. */
  public enum Phase {
    /** Stating versions and keys. */
    HELLO,
    /** Receiving what the peer holds beyond this replica's vector. */
    PULL,
    /** Sending what this replica holds beyond the peer's vector. */
    PUSH,
    /** Roots still differed: finding the differences in the trees. */
    RECONCILE
  }

  /** How much of the vector exchange is done, 0 to 1; 1 when there was nothing to exchange. */
  public double fraction() {
    return workTotal == 0 ? 1.0 : Math.min(1.0, (double) workDone / workTotal);
  }
}
