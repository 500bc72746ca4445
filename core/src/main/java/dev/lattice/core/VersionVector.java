package dev.lattice.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replica has seen: for each site, the highest sequence number of that site's changes it holds.
 *
 * <p>"What do you have that I lack" is answered exactly from two vectors: the changes whose {@code seq} is above the
 * asker's entry for their site. A site that is absent counts as 0. Immutable.
 */
public final class VersionVector {
  private static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

  private final Map<SiteId, Long> entries;

  private VersionVector(TreeMap<SiteId, Long> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  /** The vector of a replica that has seen nothing. */
  public static VersionVector empty() {
    return EMPTY;
  }

  /** A vector with the given entries; entries of 0 are dropped, negative ones rejected. */
  public static VersionVector of(Map<SiteId, Long> entries) {
    TreeMap<SiteId, Long> copy = new TreeMap<>();
    entries.forEach(
        (site, seq) -> {
          if (seq < 0) {
            throw new IllegalArgumentException("seq for site " + site + " must be >= 0, was " + seq);
          }
          if (seq > 0) {
            copy.put(site, seq);
          }
        });
    return new VersionVector(copy);
  }

  /** The highest seq seen from {@code site}, 0 if none. */
  public long get(SiteId site) {
    return entries.getOrDefault(site, 0L);
  }

  /** True if this vector holds {@code seq} of {@code site} (or something newer from that site). */
  public boolean covers(SiteId site, long seq) {
    return get(site) >= seq;
  }

  /** This vector with {@code site} raised to at least {@code seq}. */
  public VersionVector with(SiteId site, long seq) {
    if (seq <= get(site)) {
      return this;
    }
    TreeMap<SiteId, Long> copy = new TreeMap<>(entries);
    copy.put(site, seq);
    return new VersionVector(copy);
  }

  /** The entry-wise maximum of both vectors. */
  public VersionVector merge(VersionVector other) {
    TreeMap<SiteId, Long> copy = new TreeMap<>(entries);
    other.entries.forEach((site, seq) -> copy.merge(site, seq, Math::max));
    return new VersionVector(copy);
  }

  /** True if this vector has seen everything {@code other} has. */
  public boolean dominates(VersionVector other) {
    return other.entries.entrySet().stream().allMatch(e -> get(e.getKey()) >= e.getValue());
  }

  /** The entries, sorted by site id; never contains a 0. */
  public Map<SiteId, Long> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionVector other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
