package dev.lattice.driver.capture;

import dev.lattice.driver.SiteId;
import java.util.Comparator;

/**
 * A cell version in merge order: higher causal length, then higher clock, then higher site id wins. The order is total
 * over distinct writes (a site never reuses a sequence number, and two writes of one site differ in clock), so every
 * replica picks the same winner whatever order versions arrive in.
 */
record Version(long cl, long hlc, SiteId site, long seq) implements Comparable<Version> {
  static final Comparator<Version> ORDER = Comparator.comparingLong(Version::cl)
      .thenComparingLong(Version::hlc)
      .thenComparing(Version::site)
      .thenComparingLong(Version::seq);

  @Override
  public int compareTo(Version other) {
    return ORDER.compare(this, other);
  }

  boolean sameWrite(Version other) {
    return other != null && site.equals(other.site) && seq == other.seq;
  }

  boolean alive() {
    return (cl & 1) == 1;
  }
}
