package dev.lattice.driver;

import java.sql.SQLException;
import java.util.List;

/**
 * Replicas of one space with numbered tables, syncing through the replica API and settling through replica 0, the
 * device that serves the others: the space's one number source.
 */
final class SettlingReplicas {
  private final List<TestDatabase> replicas;

  SettlingReplicas(List<TestDatabase> replicas) {
    this.replicas = replicas;
  }

  NumberSource numbers() {
    return replicas.get(0).replica().numberSource();
  }

  /** Both settle, then sync both ways. */
  void sync(int a, int b) throws SQLException {
    if (a == b) {
      return;
    }
    replicas.get(a).replica().settle(numbers());
    replicas.get(b).replica().settle(numbers());
    replicas.get(a).replica().syncWith(replicas.get(b).replica());
  }

  /**
   * {@code to} receives what {@code from} has (settled first) in small batches, while its own new rows are not settled
   * yet.
   */
  void deliver(int from, int to) throws SQLException {
    if (from == to) {
      return;
    }
    Replica source = replicas.get(from).replica();
    Replica target = replicas.get(to).replica();
    source.settle(numbers());
    try (ChangeBatches batches = source.batchesSince(target.versionVector(), 50)) {
      for (ChangeBatch batch; (batch = batches.next()) != null; ) {
        target.apply(batch);
      }
    }
  }
}
