package dev.lattice.driver;

import dev.lattice.core.VersionVector;
import java.util.List;
import java.util.Objects;

/**
 * Changes sent by one peer, as {@link Replica#apply(ChangeBatch)} takes them.
 *
 * @param senderVector everything the sender had seen when it read these changes: a local version the sender had not
 *     seen, overwritten or overwriting one of these changes, is a concurrent edit and is recorded as a conflict
 * @param changes the cell versions; every cell of a row that starts a new life must be in the same batch, as
 *     {@link Replica#changesSince} and {@link Replica#syncWith} send them
 * @param covers what the receiver may claim to hold once the batch is applied: for each site, the sequence number up to
 *     which the sender has now sent everything the receiver lacked. Advances the receiver's version vector; empty for
 *     a batch that promises nothing (it is still applied)
 */
public record ChangeBatch(VersionVector senderVector, List<Change> changes, VersionVector covers) {
  public ChangeBatch {
    Objects.requireNonNull(senderVector, "senderVector");
    changes = List.copyOf(changes);
    Objects.requireNonNull(covers, "covers");
  }
}
