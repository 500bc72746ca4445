package dev.lattice.driver;

/**
 * Two concurrent writes to one cell: neither writer had seen the other's. The winner is in the table; the loser is kept
 * here until the conflict is resolved or cleared.
 *
 * @param id the conflict's id, for {@link Replica#resolve}
 * @param table the table
 * @param pk the row's key, in the encoding of {@link Change#pk()}
 * @param column the column
 * @param winner the version now in the table
 * @param loser the version that lost
 * @param detectedAtMillis when this replica met both versions, in epoch milliseconds
 */
public record Conflict(long id, String table, Object pk, String column, Change winner, Change loser,
    long detectedAtMillis) {}
