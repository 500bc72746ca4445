package dev.lattice.driver;

import java.util.List;

/**
 * Rows of a numbered table ({@link TrackOptions#numbered()}) waiting here to be numbered for sync, as the space's
 * number source needs to know before handing out numbers: per table, or for a composite key per value of the key's
 * other columns (its prefix), since each prefix is numbered on its own.
 *
 * @param table the table's name
 * @param prefix the values of the key's other columns; empty for a table keyed by one {@code INTEGER PRIMARY KEY}
 * @param counter which of the source's counters numbers these rows ({@link NumberSource#allocate}): the table's name,
 *     with the prefix's values for a composite key
 * @param highestSettled the highest number of the table (or prefix) that is not provisional here; 0 if none
 * @param unsettled how many rows were inserted here since the table was last settled and still exist
 */
public record NumberedTable(String table, List<Object> prefix, String counter, long highestSettled, int unsettled) {
  public NumberedTable {
    prefix = List.copyOf(prefix);
  }
}
