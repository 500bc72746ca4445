package dev.lattice.merkle;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The canonical bytes of a cell version, which {@link MerkleTree#put(CellId, byte[], Object)} hashes into the item.
 * Every replica, and a server that sees only metadata, must encode a version identically for equal states to have
 * equal roots; this class is that single definition.
 */
public final class ItemVersion {
  /** Bytes of a site id. */
  public static final int SITE_BYTES = 16;

  private ItemVersion() {}

  /**
   * A last-writer-wins cell's version: the row's causal length {@code cl} and the write's clock, site and sequence
   * number, as 8 + 8 + 16 + 8 big-endian bytes.
   */
  public static byte[] of(long cl, long hlc, byte[] site, long seq) {
    checkSite(site);
    byte[] out = new byte[24 + SITE_BYTES];
    Bits.putLong(out, 0, cl);
    Bits.putLong(out, 8, hlc);
    System.arraycopy(site, 0, out, 16, SITE_BYTES);
    Bits.putLong(out, 16 + SITE_BYTES, seq);
    return out;
  }

  /**
   * A counter cell's version: the row's causal length, then each contributing site's latest write (site, sequence
   * number, clock) in site order. Two replicas agree on the counter exactly when they hold the same contributions.
   */
  public static byte[] ofContributions(long cl, List<Contribution> contributions) {
    Contribution[] sorted = contributions.toArray(new Contribution[0]);
    Arrays.sort(sorted, Comparator.comparing(Contribution::site, Arrays::compareUnsigned));
    byte[] out = new byte[8 + sorted.length * (SITE_BYTES + 16)];
    Bits.putLong(out, 0, cl);
    int at = 8;
    for (Contribution k : sorted) {
      checkSite(k.site());
      System.arraycopy(k.site(), 0, out, at, SITE_BYTES);
      Bits.putLong(out, at + SITE_BYTES, k.seq());
      Bits.putLong(out, at + SITE_BYTES + 8, k.hlc());
      at += SITE_BYTES + 16;
    }
    return out;
  }

  /** One site's latest write to a counter cell. */
  public record Contribution(byte[] site, long seq, long hlc) {}

  private static void checkSite(byte[] site) {
    if (site.length != SITE_BYTES) {
      throw new IllegalArgumentException("a site id is " + SITE_BYTES + " bytes, got " + site.length);
    }
  }
}
