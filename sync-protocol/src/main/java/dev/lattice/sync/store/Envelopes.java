package dev.lattice.sync.store;

import dev.lattice.core.SiteId;
import dev.lattice.driver.Change;
import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackedSchema;
import dev.lattice.merkle.CellIdHasher;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.crypto.SealedDataException;
import dev.lattice.sync.crypto.SpaceKey;
import dev.lattice.sync.wire.Envelope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Turns a replica's changes into envelopes and back: the payload sealed under the space key (or plain when
 * encryption is off) with the envelope's metadata as associated data, and cell ids from the space's hasher. Opening
 * checks everything a relay could have altered, so a batch is refused whole before any of it is applied.
 */
final class Envelopes {
  /** Envelopes opened per task: big enough that splitting costs little, small enough to share out a batch. */
  private static final int CHUNK = 1_024;

  private final CellIdHasher hasher;
  private final SpaceKey key;
  private final TrackedSchema schema;

  Envelopes(CellIdHasher hasher, SpaceKey key, TrackedSchema schema) {
    this.hasher = hasher;
    this.key = key;
    this.schema = schema;
  }

  List<Envelope> seal(List<Change> changes) {
    List<Envelope> out = new ArrayList<>(changes.size());
    RowIds rows = new RowIds();
    for (Change c : changes) {
      byte[] cell = Replica.cellId(hasher, c).bytes();
      byte[] row = c.isRowCell() ? cell : rows.of(c);
      Envelope plain = new Envelope(cell, row, c.site().bytes(), c.seq(), c.hlc(), c.cl(), kind(c), new byte[0]);
      byte[] payload = new Payload(c.table(), c.pk(), c.column(), c.value()).encode();
      out.add(new Envelope(cell, row, plain.site(), c.seq(), c.hlc(), c.cl(), plain.kind(),
          key == null ? payload : key.seal(payload, plain.associatedData())));
    }
    return out;
  }

  /**
   * The changes inside {@code envelopes}, or a {@code rejected} failure naming an envelope that is wrong. A large batch
   * is opened on several cores: authenticating and decoding is a good part of what applying a batch costs.
   */
  List<Change> open(List<Envelope> envelopes) throws SyncException {
    int n = envelopes.size();
    if (n <= CHUNK) {
      return open(envelopes, 0, n);
    }
    try {
      return IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel()
          .mapToObj(chunk -> {
            try {
              return open(envelopes, chunk * CHUNK, Math.min(n, (chunk + 1) * CHUNK));
            } catch (SyncException e) {
              throw new Refused(e);
            }
          })
          .flatMap(List::stream)
          .toList();
    } catch (Refused r) {
      throw r.refusal;
    }
  }

  private List<Change> open(List<Envelope> envelopes, int from, int to) throws SyncException {
    List<Change> out = new ArrayList<>(to - from);
    RowIds rows = new RowIds();
    for (int i = from; i < to; i++) {
      out.add(open(envelopes.get(i), i, rows));
    }
    return out;
  }

  /** Carries a refusal out of a parallel stream. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient SyncException refusal;

    Refused(SyncException refusal) {
      super(refusal.getMessage(), null, false, false);
      this.refusal = refusal;
    }
  }

  private Change open(Envelope e, int index, RowIds rows) throws SyncException {
    Payload p;
    try {
      p = Payload.decode(key == null ? e.payload() : key.open(e.payload(), e.associatedData()));
    } catch (SealedDataException ex) {
      throw rejected(index, "its payload " + ex.getMessage());
    } catch (IllegalArgumentException ex) {
      throw rejected(index, ex.getMessage());
    }
    Change c = new Change(p.table(), p.pk(), p.column(), p.value(), SiteId.of(e.site()), e.seq(), e.hlc(), e.cl());
    byte[] cell = Replica.cellId(hasher, c).bytes();
    if (!Arrays.equals(cell, e.cell()) || !Arrays.equals(c.isRowCell() ? cell : rows.of(c), e.row())) {
      throw rejected(index, "its cell id does not match its payload (was it moved to another cell?)");
    }
    if (kind(c) != e.kind()) {
      throw rejected(index, "its kind " + e.kind() + " does not match its column " + p.column() + " of " + p.table());
    }
    return c;
  }

  private static SyncException rejected(int index, String why) {
    return new SyncException(Kind.REJECTED, "envelope " + index + " of the batch was refused and nothing of the batch"
        + " was applied: " + why);
  }

  private byte[] rowId(Change c) {
    return Replica.cellId(hasher, rowCell(c)).bytes();
  }

  private int kind(Change c) {
    if (c.isRowCell()) {
      return Envelope.ROW;
    }
    TrackedSchema.Table table = schema.tables().get(c.table());
    return table != null && table.counters().contains(c.column()) ? Envelope.CONTRIBUTION : Envelope.COLUMN;
  }

  private static Change rowCell(Change c) {
    return new Change(c.table(), c.pk(), null, null, c.site(), c.seq(), c.hlc(), c.cl());
  }

  /** Row ids for a stream of changes, where a row's cells come together: hashes each row once. */
  private final class RowIds {
    private Change last;
    private byte[] lastId;

    byte[] of(Change c) {
      if (last == null || !last.table().equals(c.table()) || !Objects.deepEquals(last.pk(), c.pk())) {
        last = c;
        lastId = rowId(c);
      }
      return lastId;
    }
  }
}
