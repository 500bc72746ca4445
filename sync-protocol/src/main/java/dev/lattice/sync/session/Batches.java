package dev.lattice.sync.session;

import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.SyncStore;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.VectorEntry;
import java.util.List;

/** Batches that fit in one message: cut by cells, and cut smaller when large values make a batch too big. */
final class Batches {
  /** Bytes of an envelope besides its payload, generously: ids, numbers and CBOR framing. */
  private static final int ENVELOPE_OVERHEAD = 96;
  /** Room left in a message for everything that is not an envelope. */
  private static final int MESSAGE_OVERHEAD = 4096;

  private Batches() {}

  /**
   * The next batch for a peer holding {@code peerVector}: {@code cells} cells at most, fewer if that many would not
   * fit in {@code maxBytes}. A single row too large for any message is refused by name.
   */
  static Changes next(SyncStore store, List<VectorEntry> peerVector, int cells, int maxBytes) throws SyncException {
    while (true) {
      Changes batch = store.changesFor(peerVector, cells);
      long size = bytes(batch.envelopes());
      if (size <= maxBytes - MESSAGE_OVERHEAD) {
        return batch;
      }
      if (cells == 1 || batch.envelopes().size() == 1) {
        throw new SyncException(Kind.REJECTED, "a row of " + size + " bytes does not fit in a message of at most "
            + maxBytes + " bytes; raise the largest message size (SyncOptions.maxMessageBytes) on both peers");
      }
      // Shrink in proportion, with margin: the batch holds rows whole, so it may come back a little larger.
      cells = (int) Math.max(1, Math.min(cells / 2, (long) cells * (maxBytes - MESSAGE_OVERHEAD) / size / 2));
    }
  }

  static long bytes(List<Envelope> envelopes) {
    long n = 0;
    for (Envelope e : envelopes) {
      n += e.payload().length + ENVELOPE_OVERHEAD;
    }
    return n;
  }
}
