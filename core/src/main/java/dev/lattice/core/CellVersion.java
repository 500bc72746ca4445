package dev.lattice.core;

import java.util.Comparator;

/**
 * The version of one cell (a row's existence, one column, or one site's counter contribution): the causal length of
 * the row life it belongs to, the clock and the site that wrote it, and that site's sequence number for the write.
 *
 * <p>{@link #ORDER} is the merge order every replica and the relay keep the winner of: higher causal length, then
 * later clock, then higher site id (unsigned bytes), then higher sequence number. It is total over distinct writes (a
 * site never reuses a sequence number), so the maximum does not depend on the order versions arrive in.
 *
 * @param cl the causal length of the row life: odd while the row lives, even once it is deleted
 * @param hlc the hybrid logical clock stamp of the write ({@link Hlc})
 * @param site the site that made the write
 * @param seq the writing site's sequence number for the write, from 1
 */
public record CellVersion(long cl, long hlc, SiteId site, long seq) implements Comparable<CellVersion> {
  /** The merge order: the greatest version of a cell wins. */
  public static final Comparator<CellVersion> ORDER = Comparator.comparingLong(CellVersion::cl)
      .thenComparingLong(CellVersion::hlc)
      .thenComparing(CellVersion::site)
      .thenComparingLong(CellVersion::seq);

  @Override
  public int compareTo(CellVersion other) {
    return ORDER.compare(this, other);
  }

  /** Whether {@code other} is the same write as this one (the same site and sequence number). */
  public boolean sameWrite(CellVersion other) {
    return other != null && seq == other.seq && site.equals(other.site);
  }

  /** Whether the row life this version belongs to is a living one. */
  public boolean alive() {
    return RowLife.alive(cl);
  }
}
