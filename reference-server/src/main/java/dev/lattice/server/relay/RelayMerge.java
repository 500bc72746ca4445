package dev.lattice.server.relay;

import dev.lattice.core.CellVersion;
import dev.lattice.core.ClockBound;
import dev.lattice.core.Hlc;
import dev.lattice.core.RowMerge;
import dev.lattice.core.SiteId;
import dev.lattice.core.StablePoint;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.SyncException;
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
 * alone and deciding nothing itself: every decision is {@link RowMerge}'s, the same a device's merge asks. The relay
 * therefore holds exactly the winning versions a device holds, and builds the same tree.
 *
 * <p>Envelopes at or below the space's stable point ({@link StablePoint#covers}) are ignored, as devices ignore them,
 * and do not count as applied.
 */
final class RelayMerge {
  private final RelayTables tables;
  private final long nowMillis;
  private final long maxDriftMillis;
  private final StablePoint stable;
  private long applied;

  private RelayMerge(RelayTables tables, long nowMillis, long maxDriftMillis, StablePoint stable) {
    this.tables = tables;
    this.nowMillis = nowMillis;
    this.maxDriftMillis = maxDriftMillis;
    this.stable = stable;
  }

  /**
   * Merges {@code envelopes} (inside the caller's transaction) and returns how many won; adds the rows it changed
   * to {@code touched}. Throws {@code rejected} for an envelope no device would accept: then nothing is stored.
   *
   * @param nowMillis the server's wall clock
   * @param maxDriftMillis how far ahead of {@code nowMillis} a stamp may be ({@link ClockBound})
   */
  static long merge(RelayTables tables, List<Envelope> envelopes, long nowMillis, long maxDriftMillis,
      StablePoint stable, Set<ByteBuffer> touched) throws SyncException, SQLException {
    RelayMerge merge = new RelayMerge(tables, nowMillis, maxDriftMillis, stable);
    Map<ByteBuffer, List<Envelope>> rows = new LinkedHashMap<>();
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope e = envelopes.get(i);
      merge.check(e, i);
      if (!stable.covers(version(e))) {
        rows.computeIfAbsent(ByteBuffer.wrap(e.row()), k -> new ArrayList<>()).add(e);
      }
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
    if (ClockBound.tooFarAhead(e.hlc(), nowMillis, maxDriftMillis)) {
      throw rejected(index, "it is stamped " + Hlc.toString(e.hlc()) + ", too far ahead of this server's clock; the"
          + " writing device's clock is wrong");
    }
  }

  /** Returns whether the row changed. */
  private boolean mergeRow(byte[] row, List<Envelope> incoming) throws SyncException, SQLException {
    Envelope stored = tables.row(row);
    CellVersion held = stored == null ? null : version(stored);
    List<Envelope> rowEnvelopes = new ArrayList<>();
    List<CellVersion> rowVersions = new ArrayList<>();
    for (Envelope e : incoming) {
      if (e.kind() == Envelope.ROW) {
        rowEnvelopes.add(e);
        rowVersions.add(version(e));
      }
    }
    CellVersion winner = RowMerge.winningRowVersion(held, rowVersions);
    boolean changed = false;
    if (winner != null) {
      if (RowMerge.changesLife(held, winner)) {
        tables.clearCells(row); // a row never held here has no cells: nothing to clear
      }
      tables.putRow(rowEnvelopes.get(rowVersions.indexOf(winner)));
      applied++;
      changed = true;
    }
    long cl = winner != null ? winner.cl() : held == null ? 0 : held.cl();
    for (Envelope e : incoming) {
      if (e.kind() == Envelope.ROW) {
        continue;
      }
      Envelope current = tables.cell(e);
      CellVersion heldCell = current == null ? null : version(current);
      RowMerge.Verdict verdict = e.kind() == Envelope.CONTRIBUTION
          ? RowMerge.contribution(version(e), heldCell, cl)
          : RowMerge.column(version(e), heldCell, cl);
      if (verdict == RowMerge.Verdict.LIFE_NOT_CARRIED) {
        throw new SyncException(Kind.REJECTED, "a column version belongs to a life of its row that the batch does not"
            + " carry (its row cell is missing); nothing of the batch was stored");
      }
      if (verdict == RowMerge.Verdict.WINS) {
        tables.putCell(e);
        applied++;
        changed = true;
      }
    }
    return changed;
  }

  /** The version an envelope's metadata states. */
  private static CellVersion version(Envelope e) {
    return new CellVersion(e.cl(), e.hlc(), SiteId.of(e.site()), e.seq());
  }

  private static SyncException rejected(int index, String why) {
    return new SyncException(Kind.REJECTED, "envelope " + index + " of the batch was refused and nothing of the batch"
        + " was stored: " + why);
  }
}
