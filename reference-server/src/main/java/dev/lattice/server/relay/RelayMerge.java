package dev.lattice.server.relay;

import dev.lattice.driver.Hlc;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.wire.Envelope;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a batch of envelopes into a space the way every device merges the changes inside them, judging by metadata
 * alone: a row's winning row cell decides its causal length; a new life or a death forgets the row's columns and
 * contributions; a column keeps its highest version within the row's life; a counter keeps each site's latest
 * contribution. The relay therefore holds exactly the winning versions a device holds, and builds the same tree.
 *
 * <p>Every envelope at or below the space's stable point ({@link RelayStable}) is ignored: the relay holds it or what
 * superseded it, or its row's tombstone was dropped, and then an old life or tombstone arriving again (from a device
 * that has not compacted yet, or a replay) must change nothing. A row not held whose row cell was ignored so is
 * ignored whole. Ignored envelopes do not count as applied.
 */
final class RelayMerge {
  private final RelayTables tables;
  private final long maxClockMillis;
  private final Map<ByteBuffer, Long> stable;
  private long applied;

  private RelayMerge(RelayTables tables, long maxClockMillis, Map<ByteBuffer, Long> stable) {
    this.tables = tables;
    this.maxClockMillis = maxClockMillis;
    this.stable = stable;
  }

  /**
   * Merges {@code envelopes} (inside the caller's transaction) and returns how many won; adds the rows it changed
   * to {@code touched}. {@code stable} is the space's stable point by site (absent: 0). Throws
   * {@code rejected} for an envelope no device would accept.
   */
  static long merge(RelayTables tables, List<Envelope> envelopes, long maxClockMillis, Map<ByteBuffer, Long> stable,
      Set<ByteBuffer> touched) throws SyncException, SQLException {
    RelayMerge merge = new RelayMerge(tables, maxClockMillis, stable);
    Map<ByteBuffer, List<Envelope>> rows = new LinkedHashMap<>();
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope e = envelopes.get(i);
      merge.check(e, i);
      rows.computeIfAbsent(ByteBuffer.wrap(e.row()), k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<ByteBuffer, List<Envelope>> row : rows.entrySet()) {
      if (merge.mergeRow(row.getKey().array(), row.getValue())) {
        touched.add(row.getKey());
      }
    }
    return merge.applied;
  }

  private void check(Envelope e, int index) throws SyncException {
    if (e.kind() == Envelope.ROW && !Arrays.equals(e.cell(), e.row())) {
      throw rejected(index, "a row cell's id must be its row's id");
    }
    if (e.seq() < 1 || e.cl() < 1 || (e.kind() != Envelope.ROW && (e.cl() & 1) == 0)) {
      throw rejected(index, "sequence numbers and causal lengths start at 1, and a column belongs to a live row");
    }
    if (Hlc.millis(e.hlc()) > maxClockMillis) {
      throw rejected(index, "it is stamped " + Hlc.toString(e.hlc()) + ", too far ahead of this server's clock; the"
          + " writing device's clock is wrong");
    }
  }

  /** Returns whether the row changed. */
  private boolean mergeRow(byte[] row, List<Envelope> arrived) throws SyncException, SQLException {
    Envelope stored = tables.row(row);
    List<Envelope> incoming = new ArrayList<>(arrived.size());
    boolean rowCellBelowStable = false;
    for (Envelope e : arrived) {
      if (atOrBelowStable(e)) {
        rowCellBelowStable |= e.kind() == Envelope.ROW;
      } else {
        incoming.add(e);
      }
    }
    Envelope best = null;
    for (Envelope e : incoming) {
      if (e.kind() == Envelope.ROW && (best == null || Versions.ORDER.compare(e, best) > 0)) {
        best = e;
      }
    }
    if (stored == null && best == null && rowCellBelowStable) {
      return false; // deleted and compacted here: nothing of that life, nor its tombstone, may come back
    }
    boolean changed = false;
    long cl = stored == null ? 0 : stored.cl();
    if (best != null && (stored == null || Versions.ORDER.compare(best, stored) > 0)) {
      if (stored != null && best.cl() != cl) {
        // A death, or a new life that brings its columns with it. A row never held here has no cells: a cell is
        // kept only under a live row, and a compacted dead row's cells went with its death.
        tables.clearCells(row);
      }
      tables.putRow(best);
      cl = best.cl();
      applied++;
      changed = true;
    }
    if ((cl & 1) == 0) {
      return changed; // a dead row has no columns; versions of an older life lose
    }
    for (Envelope e : incoming) {
      if (e.kind() == Envelope.ROW || e.cl() < cl) {
        continue;
      }
      if (e.cl() > cl) {
        throw new SyncException(Kind.REJECTED, "a column version belongs to a life of its row that the batch does not"
            + " carry (its row cell is missing); nothing of the batch was stored");
      }
      Envelope current = tables.cell(e);
      boolean wins = e.kind() == Envelope.CONTRIBUTION
          ? current == null || e.seq() > current.seq()
          : current == null || (!Versions.sameWrite(e, current) && Versions.ORDER.compare(e, current) > 0);
      if (wins) {
        tables.putCell(e);
        applied++;
        changed = true;
      }
    }
    return changed;
  }

  /** Whether every device holds this version (or one that superseded it). */
  private boolean atOrBelowStable(Envelope e) {
    return e.seq() <= stable.getOrDefault(ByteBuffer.wrap(e.site()), 0L);
  }

  private static SyncException rejected(int index, String why) {
    return new SyncException(Kind.REJECTED, "envelope " + index + " of the batch was refused and nothing of the batch"
        + " was stored: " + why);
  }
}
