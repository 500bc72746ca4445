package dev.lattice.driver.capture;

import dev.lattice.core.VersionVector;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.MergeResult;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Brings one replica up to date with another, in process: streams exactly what the receiver lacks according to the
 * two version vectors, in batches of at most about {@code batchCells} cells (an entry is never split), each applied
 * in its own transaction. An interrupted pull resumes where it stopped: every applied batch advanced the receiver's
 * vector by what it completed.
 */
public final class PeerSync {
  private PeerSync() {}

  /** What one pull moved. */
  record Pulled(MergeResult result, long batches) {}

  static Pulled pull(Connection from, Connection to, int batchCells, Applier apply) throws SQLException {
    return pull(from, ReplicaEngine.versionVector(to), batchCells, apply);
  }

  /** Streams to {@code apply} everything {@code from} holds beyond {@code since}; empty offers all it holds. */
  static Pulled pull(Connection from, VersionVector since, int batchCells, Applier apply) throws SQLException {
    MergeResult total = MergeResult.NONE;
    long batches = 0;
    try (ChangeBatches stream = BatchReader.open(from, since, batchCells)) {
      for (ChangeBatch batch; (batch = stream.next()) != null; batches++) {
        total = total.plus(apply.apply(batch));
      }
    }
    return new Pulled(total, batches);
  }

  /** Applies a batch to the receiving replica. */
  public interface Applier {
    MergeResult apply(ChangeBatch batch) throws SQLException;
  }
}
