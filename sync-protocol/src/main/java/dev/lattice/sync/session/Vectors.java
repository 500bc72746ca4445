package dev.lattice.sync.session;

import dev.lattice.core.SiteId;
import dev.lattice.core.VersionVector;
import dev.lattice.sync.wire.VectorEntry;
import java.util.List;
import java.util.Map;

/** Version vectors as they travel ({@link VectorEntry} lists), compared and merged as {@link VersionVector}s. */
final class Vectors {
  private Vectors() {}

  /** How many sequence numbers {@code ahead} holds beyond {@code behind}: an upper bound of the changes between. */
  static long gap(List<VectorEntry> ahead, List<VectorEntry> behind) {
    VersionVector held = VectorEntry.vector(behind);
    long gap = 0;
    for (Map.Entry<SiteId, Long> e : VectorEntry.vector(ahead).entries().entrySet()) {
      gap += Math.max(0, e.getValue() - held.get(e.getKey()));
    }
    return gap;
  }

  /** The entry-wise maximum of two vectors. */
  static List<VectorEntry> merge(List<VectorEntry> a, List<VectorEntry> b) {
    return VectorEntry.list(VectorEntry.vector(a).merge(VectorEntry.vector(b)));
  }

  static boolean same(List<VectorEntry> a, List<VectorEntry> b) {
    return VectorEntry.vector(a).equals(VectorEntry.vector(b));
  }
}
