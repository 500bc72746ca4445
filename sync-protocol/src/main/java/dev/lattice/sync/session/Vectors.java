package dev.lattice.sync.session;

import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Version vectors as they travel: lists of (site, seq) entries. */
final class Vectors {
  private Vectors() {}

  /** How many sequence numbers {@code ahead} holds beyond {@code behind}: an upper bound of the changes between. */
  static long gap(List<VectorEntry> ahead, List<VectorEntry> behind) {
    Map<ByteBuffer, Long> held = index(behind);
    long gap = 0;
    for (VectorEntry e : ahead) {
      gap += Math.max(0, e.seq() - held.getOrDefault(ByteBuffer.wrap(e.site()), 0L));
    }
    return gap;
  }

  /** The entry-wise maximum of two vectors. */
  static List<VectorEntry> merge(List<VectorEntry> a, List<VectorEntry> b) {
    Map<ByteBuffer, Long> all = index(a);
    index(b).forEach((site, seq) -> all.merge(site, seq, Math::max));
    List<VectorEntry> out = new java.util.ArrayList<>(all.size());
    all.forEach((site, seq) -> out.add(new VectorEntry(site.array(), seq)));
    return out;
  }

  static boolean same(List<VectorEntry> a, List<VectorEntry> b) {
    return index(a).equals(index(b));
  }

  private static Map<ByteBuffer, Long> index(List<VectorEntry> vector) {
    Map<ByteBuffer, Long> out = new HashMap<>();
    for (VectorEntry e : vector) {
      if (e.seq() > 0) {
        out.merge(ByteBuffer.wrap(e.site()), e.seq(), Math::max);
      }
    }
    return out;
  }
}
