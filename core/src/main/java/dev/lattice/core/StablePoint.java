package dev.lattice.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A vector every replica of a space is known to hold: the pointwise minimum of the vectors of every device and of the
 * one keeping it, which never goes down. Every replica holds each version at or below it, or one that superseded it,
 * so a tombstone whose row version is at or below it will never be needed again and may be dropped.
 *
 * <p>Two rules go with it, kept by devices and the relay alike. A holder raises its point only as far as its own
 * vector reaches, so it has merged every version at or below the point. And a merge ignores every incoming version at
 * or below the point ({@link #covers}): merging it again would change nothing, except where its tombstone was dropped,
 * and there it must change nothing (an old life or tombstone arriving from a replica that has not compacted yet, or a
 * replay of an old batch, would bring back a row or kill one that lives again).
 */
public record StablePoint(VersionVector vector) {
  /** The point of a replica that never learned one. */
  public static final StablePoint NONE = new StablePoint(VersionVector.empty());

  /** One site's rise of the point: versions of {@code site} with {@code from < seq <= to} became stable. */
  public record Rise(SiteId site, long from, long to) {}

  /** Whether {@code version} is at or below the point, and so ignored by a merge. */
  public boolean covers(CellVersion version) {
    return vector.covers(version.site(), version.seq());
  }

  /**
   * How the point rises towards what all of {@code holders} hold (pointwise least; a site missing from one counts 0).
   * Never down: a site whose least is at or below the point does not move. An empty list of holders moves nothing.
   */
  public List<Rise> risesTowards(List<VersionVector> holders) {
    List<Rise> rises = new ArrayList<>();
    if (holders.isEmpty()) {
      return rises;
    }
    for (Map.Entry<SiteId, Long> entry : holders.get(0).entries().entrySet()) {
      long least = entry.getValue();
      for (VersionVector holder : holders) {
        least = Math.min(least, holder.get(entry.getKey()));
      }
      long from = vector.get(entry.getKey());
      if (least > from) {
        rises.add(new Rise(entry.getKey(), from, least));
      }
    }
    return rises;
  }

  /** This point raised by {@code rises}. */
  public StablePoint raisedBy(List<Rise> rises) {
    VersionVector raised = vector;
    for (Rise rise : rises) {
      raised = raised.with(rise.site(), rise.to());
    }
    return new StablePoint(raised);
  }
}
