package dev.lattice.sync.session;

import dev.lattice.merkle.ReconcileLimits;
import dev.lattice.sync.wire.WireCodec;

/**
 * The knobs of a sync, on either side.
 *
 * @param batchCells cells per batch: what one message carries and one transaction applies
 * @param maxMessageBytes the largest message sent or accepted
 * @param reconcile limits of each tree reconciliation
 * @param reconcileAttempts reconciliations tried while roots still differ before the session fails
 */
public record SyncOptions(int batchCells, int maxMessageBytes, ReconcileLimits reconcile, int reconcileAttempts) {
  /**
   * Batches of 50,000 cells (about 9 MB encrypted with short values, cut smaller when values are large: a commit per
   * batch then costs little, and the welcome brings a device back from a long absence in one round trip; bench/run
   * protocol measured 5,000-cell batches 25 % slower), messages up to 16 MiB, default reconciliation limits, 3
   * attempts.
   */
  public static final SyncOptions DEFAULTS =
      new SyncOptions(50_000, WireCodec.DEFAULT_MAX_BYTES, ReconcileLimits.DEFAULT, 3);

  public SyncOptions {
    if (batchCells < 1) {
      throw new IllegalArgumentException("batchCells must be >= 1, was " + batchCells);
    }
    if (maxMessageBytes < 4096) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 4096, was " + maxMessageBytes);
    }
    if (reconcile == null) {
      throw new IllegalArgumentException("reconcile limits are missing");
    }
    if (reconcile.maxMessageBytes() > maxMessageBytes / 2) {
      reconcile = reconcile.withMaxMessageBytes(maxMessageBytes / 2); // a reconciliation message travels inside one
    }
    if (reconcileAttempts < 1) {
      throw new IllegalArgumentException("reconcileAttempts must be >= 1, was " + reconcileAttempts);
    }
  }

  public SyncOptions withBatchCells(int cells) {
    return new SyncOptions(cells, maxMessageBytes, reconcile, reconcileAttempts);
  }

  public SyncOptions withMaxMessageBytes(int bytes) {
    return new SyncOptions(batchCells, bytes, reconcile, reconcileAttempts);
  }

  public SyncOptions withReconcile(ReconcileLimits limits) {
    return new SyncOptions(batchCells, maxMessageBytes, limits, reconcileAttempts);
  }

  WireCodec codec() {
    return WireCodec.cbor(maxMessageBytes);
  }
}
