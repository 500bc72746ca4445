package dev.lattice.sync.wire;

import java.util.List;

/**
 * A batch of cell versions. Sent by the asker it pushes them and is answered by {@link Ack}; sent by the responder it
 * answers {@link Hello} (inside {@link Welcome}) or {@link Pull}; on a live channel either side sends it.
 *
 * @param senderVector everything the sender had seen when it read these versions
 * @param covers what the receiver may claim to hold once the batch is applied (empty: nothing promised)
 * @param envelopes the versions; every cell of a row starting a new life is in the same batch
 * @param more true if the sender has more for the receiver than this batch
 */
public record Changes(List<VectorEntry> senderVector, List<VectorEntry> covers, List<Envelope> envelopes,
    boolean more) implements Message {
  public Changes {
    senderVector = Check.list(senderVector, "senderVector");
    covers = Check.list(covers, "covers");
    envelopes = Check.list(envelopes, "envelopes");
  }
}
