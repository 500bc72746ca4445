package dev.lattice.driver.capture;

import dev.lattice.core.BatchCut;
import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Cuts what a peer lacks into batches, as {@link BatchCut} says, from a {@link ChangeReader}'s entries. */
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
      throw new IllegalArgumentException("a batch holds at least 1 cell, was asked for " + batchCells);
    }
    if (!LatticeSchema.exists(c)) {
      return empty();
    }
    LogFold.fold(c);
    Numbering.refuseUnsettled(c);
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
    BatchCut cut = new BatchCut(offered, batchCells);
    List<Change> batch = new ArrayList<>();
    for (List<Change> entry; (entry = reader.nextEntry()) != null; ) {
      if (!cut.vouchesFor(reader.passSite(), reader.passSeq())) {
        continue;
      }
      batch.addAll(entry);
      if (cut.add(entry.size())) {
        return new ChangeBatch(offered, batch, cut.coversUpTo(reader.passSite(), reader.passSeq()));
      }
    }
    done = true;
    return new ChangeBatch(offered, batch, offered);
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
