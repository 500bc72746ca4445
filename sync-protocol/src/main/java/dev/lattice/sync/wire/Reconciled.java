package dev.lattice.sync.wire;

import java.util.List;

/**
 * The responder's step of a tree reconciliation.
 *
 * @param message the responder's reconciliation message, or null when it has nothing more to say: the session is over
 *     once the asker has collected every row ({@code more} false)
 * @param items rows the asker was found to lack, whole, at most the asker's batch size of cells
 * @param more true if the responder holds more found rows than fit here: ask again with a null message
 * @param senderVector the responder's vector, for the items
 * @param root the responder's tree root now, so that the asker can tell when the replicas agree
 */
public record Reconciled(byte[] message, List<Envelope> items, boolean more, List<VectorEntry> senderVector,
    TreeRoot root) implements Message {
  public Reconciled {
    items = Check.list(items, "items");
    senderVector = Check.list(senderVector, "senderVector");
    Check.present(root, "root");
  }
}
