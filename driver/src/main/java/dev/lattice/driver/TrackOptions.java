package dev.lattice.driver;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a table's columns merge. By default every column is last-writer-wins per cell. A <em>counter</em> column
 * instead sums what each device added: concurrent increments of 1 on two devices make 2, not 1. Its value is the sum of
 * one contribution per device, each device's contribution being what its own writes made of the value; any write
 * (an increment, a decrement, a plain {@code SET}) changes only the writing device's contribution. SQL spelling:
 * {@code lattice_track('stats', '{"counters":["views"]}')}.
 *
 * @param counters names of the columns that merge as counters
 */
public record TrackOptions(Set<String> counters) {
  /** Every column last-writer-wins. */
  public static final TrackOptions DEFAULT = new TrackOptions(Set.of());

  public TrackOptions {
    counters = Set.copyOf(new TreeSet<>(counters));
  }

  /** Options declaring {@code columns} as counters. */
  public static TrackOptions counters(String... columns) {
    return new TrackOptions(new TreeSet<>(Arrays.asList(columns)));
  }
}
