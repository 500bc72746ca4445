package dev.lattice.driver.capture;

import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.SiteId;
import dev.lattice.driver.VersionVector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    VersionVector wanted = ReplicaEngine.versionVector(to);
    VersionVector offered = ReplicaEngine.versionVector(from);
    MergeResult total = MergeResult.NONE;
    long batches = 0;
    if (!LatticeSchema.exists(from)) {
      return new Pulled(total, 0);
    }
    LogFold.fold(from);
    try (ChangeReader reader = new ChangeReader(from, wanted)) {
      List<Change> batch = new ArrayList<>();
      for (List<Change> entry; (entry = reader.nextEntry()) != null; ) {
        batch.addAll(entry);
        if (batch.size() >= batchCells) {
          total = total.plus(apply.apply(new ChangeBatch(offered, batch, progress(offered, reader))));
          batches++;
          batch.clear();
        }
      }
      total = total.plus(apply.apply(new ChangeBatch(offered, batch, offered)));
      batches++;
    }
    return new Pulled(total, batches);
  }

  /** Sites whose pass is over are complete up to the sender's vector; the current pass up to its last entry. */
  private static VersionVector progress(VersionVector offered, ChangeReader reader) {
    Map<SiteId, Long> done = new TreeMap<>(offered.entries());
    done.keySet().removeIf(site -> site.compareTo(reader.passSite()) >= 0);
    done.put(reader.passSite(), reader.passSeq());
    return VersionVector.of(done);
  }

  /** Applies a batch to the receiving replica. */
  public interface Applier {
    MergeResult apply(ChangeBatch batch) throws SQLException;
  }
}
