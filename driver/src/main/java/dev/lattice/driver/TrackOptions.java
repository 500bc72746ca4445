package dev.lattice.driver;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a table's columns merge. By default every column is last-writer-wins per cell. A <em>counter</em> column
 * instead sums what each device added: concurrent increments of 1 on two devices make 2, not 1. Its value is the sum of
 * one contribution per device, each device's contribution being what its own writes made of the value; any write
 * (an increment, a decrement, a plain {@code SET}) changes only the writing device's contribution. SQL spelling:
 * {@code lattice_track('stats', '{"counters":["views"]}')}.
 *
 * <p>A <em>numbered</em> table is keyed by one {@code INTEGER PRIMARY KEY} that SQLite numbers, or by a composite key
 * whose last column is an integer the application counts within each value of the others (TPC-C's
 * {@code (o_w_id, o_d_id, o_id)}): a row inserted here is provisional until it is numbered for sync
 * ({@link Replica#settle}), which moves it, and the rows that reference it through declared foreign keys onto the
 * whole key, to a number that no other replica of the space is given (within the same prefix). Two devices that insert
 * at once thus keep both rows. SQL spelling: {@code lattice_track('invoices', '{"numbered":true}')}. A counter the
 * application keeps for its next number (TPC-C's {@code d_next_o_id}) must be a counter column, so that two devices'
 * increments add up. Columns that refer to a numbered table without a declared foreign key are named with
 * {@link #referencedBy}, and move with it as declared ones do.
 *
 * @param counters names of the columns that merge as counters
 * @param numbered rows inserted here are numbered for sync before they leave
 * @param referencedBy for a numbered table, the columns of other tables that refer to it without a declared foreign
 *     key: per table, its columns holding the key, in the key's order
 */
public record TrackOptions(Set<String> counters, boolean numbered, Map<String, List<String>> referencedBy) {
  /** Every column last-writer-wins. */
  public static final TrackOptions DEFAULT = new TrackOptions(Set.of());

  public TrackOptions {
    counters = Set.copyOf(new TreeSet<>(counters));
    Map<String, List<String>> references = new TreeMap<>();
    referencedBy.forEach((table, columns) -> references.put(table, List.copyOf(columns)));
    referencedBy = Collections.unmodifiableMap(references);
  }

  /** Options declaring {@code counters}, numbered or not. */
  public TrackOptions(Set<String> counters, boolean numbered) {
    this(counters, numbered, Map.of());
  }

  /** Options declaring {@code counters}, not numbered. */
  public TrackOptions(Set<String> counters) {
    this(counters, false);
  }

  /** Options declaring {@code columns} as counters. */
  public static TrackOptions counters(String... columns) {
    return new TrackOptions(new TreeSet<>(Arrays.asList(columns)));
  }

  /** These options, numbered for sync. */
  public TrackOptions numberedForSync() {
    return new TrackOptions(counters, true, referencedBy);
  }

  /**
   * These options, with {@code columns} of {@code table} naming rows of this numbered table without a declared foreign
   * key: one column for a table keyed by one {@code INTEGER PRIMARY KEY}, else one per key column, in key order. SQL
   * spelling: {@code {"numbered": true, "referencedBy": {"invoices": ["customer_id"]}}}.
   */
  public TrackOptions referencedBy(String table, String... columns) {
    Map<String, List<String>> references = new TreeMap<>(referencedBy);
    references.put(table, List.of(columns));
    return new TrackOptions(counters, numbered, references);
  }
}
