package dev.lattice.driver.capture;

import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.SiteId;
import dev.lattice.driver.VersionVector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cuts what a peer lacks into batches of about {@code batchCells} cells, never splitting an entry. A batch covers every
 * site whose pass is over up to the sender's vector and the current pass up to its last entry; the last batch covers
 * the whole vector.
 */
final class BatchReader implements ChangeBatches {
  private final ChangeReader reader;
  private final VersionVector offered;
  private final int batchCells;
  private boolean done;

  private BatchReader(ChangeReader reader, VersionVector offered, int batchCells) {
    this.reader = reader;
    this.offered = offered;
    this.batchCells = batchCells;
  }

  static ChangeBatches open(Connection c, VersionVector peer, int batchCells) throws SQLException {
    if (batchCells < 1) {
      throw new IllegalArgumentException("batchCells must be >= 1, was " + batchCells);
    }
    if (!LatticeSchema.exists(c)) {
      return empty();
    }
    LogFold.fold(c);
    ChangeReader reader = new ChangeReader(c, peer);
    try {
      // Read inside the reader's snapshot, so that the vector describes exactly what the stream holds: the reader
      // sees folded metadata only, and another connection may have committed local writes to the log since the fold.
      VersionVector held = ReplicaEngine.versionVector(c);
      SiteId self = LatticeSchema.siteId(c);
      Map<SiteId, Long> offered = new TreeMap<>(held.entries());
      long folded = LogFold.foldedSeq(c);
      if (self != null && held.get(self) > folded) {
        offered.put(self, folded);
      }
      return new BatchReader(reader, VersionVector.of(offered), batchCells);
    } catch (SQLException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  @Override
  public ChangeBatch next() throws SQLException {
    if (done) {
      return null;
    }
    List<Change> batch = new ArrayList<>();
    for (List<Change> entry; (entry = reader.nextEntry()) != null; ) {
      if (reader.passSeq() > offered.get(reader.passSite())) {
        continue; // held but not vouched for: see progress(); whoever's vector counts it sends it
      }
      batch.addAll(entry);
      if (batch.size() >= batchCells) {
        return new ChangeBatch(offered, batch, progress());
      }
    }
    done = true;
    return new ChangeBatch(offered, batch, offered);
  }

  /**
   * Sites whose pass is over are complete up to the sender's vector; the current pass up to its last entry. Entries
   * above the sender's own entry for their site are not sent at all: the sender holds them (a column that came inside
   * another site's row entry, a row a reconciliation brought) but has not seen every version of that site below them,
   * so covering them would vouch for versions it never received.
   */
  private VersionVector progress() {
    Map<SiteId, Long> covered = new TreeMap<>(offered.entries());
    covered.keySet().removeIf(site -> site.compareTo(reader.passSite()) >= 0);
    covered.put(reader.passSite(), reader.passSeq());
    return VersionVector.of(covered);
  }

  @Override
  public void close() throws SQLException {
    reader.close();
  }

  private static ChangeBatches empty() {
    return new ChangeBatches() {
      @Override
      public ChangeBatch next() {
        return null;
      }

      @Override
      public void close() {}
    };
  }
}
