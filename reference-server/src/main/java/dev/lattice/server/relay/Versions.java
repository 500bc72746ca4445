package dev.lattice.server.relay;

import dev.lattice.sync.wire.Envelope;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order of cell versions, exactly as devices merge them: higher causal length, then later clock, then site id
 * (unsigned bytes), then sequence number. The relay keeps the same winners as every device, or its tree would differ.
 */
final class Versions {
  static final Comparator<Envelope> ORDER = Comparator.comparingLong(Envelope::cl)
      .thenComparingLong(Envelope::hlc)
      .thenComparing(Envelope::site, Arrays::compareUnsigned)
      .thenComparingLong(Envelope::seq);

  private Versions() {}

  static boolean sameWrite(Envelope a, Envelope b) {
    return a.seq() == b.seq() && Arrays.equals(a.site(), b.site());
  }
}
