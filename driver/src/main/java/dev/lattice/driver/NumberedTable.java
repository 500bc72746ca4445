package dev.lattice.driver;

/**
 * Where a numbered table ({@link TrackOptions#numbered()}) stands on this replica, as its number source needs to know
 * before handing out numbers.
 *
 * @param table the table's name
 * @param highestSettled the highest number of the table that is not provisional here, live or deleted; 0 if none
 * @param unsettled how many rows were inserted here since the table was last settled and still exist
 */
public record NumberedTable(String table, long highestSettled, int unsettled) {}
