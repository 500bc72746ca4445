package dev.lattice.sync.session;

import dev.lattice.merkle.Item;
import dev.lattice.merkle.Reconciliation;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.SyncStore.ReconcileView;
import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rows one side of a reconciliation has found the other lacking and not sent yet. Items name cells; rows go whole,
 * once per session, in batches of about a batch's cells.
 */
final class FoundRows {
  private final ReconcileView view;
  private final ArrayDeque<Item<?>> pending = new ArrayDeque<>();
  private final Set<ByteBuffer> rowsSent = new HashSet<>();

  FoundRows(ReconcileView view) {
    this.view = view;
  }

  /** Queues what {@code session} found since it was last asked. */
  void collect(Reconciliation<?> session) {
    session.forEachNewToSend(pending::add);
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /**
   * The next rows to send, about {@code batchCells} cells of them and not much over half of {@code maxBytes}; empty
   * when none are left.
   */
  List<Envelope> next(int batchCells, int maxBytes) throws SyncException {
    List<Envelope> batch = new ArrayList<>();
    while (!pending.isEmpty() && batch.size() < batchCells && Batches.bytes(batch) < maxBytes / 2) {
      List<Item<?>> items = new ArrayList<>();
      for (int n = Math.max(1, (batchCells - batch.size()) / 4); n > 0 && !pending.isEmpty(); n--) {
        items.add(pending.poll());
      }
      ByteBuffer current = null;
      boolean fresh = false;
      for (Envelope e : view.envelopesOf(items)) {
        ByteBuffer row = ByteBuffer.wrap(e.row());
        if (!row.equals(current)) {
          current = row;
          fresh = rowsSent.add(row);
        }
        if (fresh) {
          batch.add(e);
        }
      }
    }
    return batch;
  }
}
