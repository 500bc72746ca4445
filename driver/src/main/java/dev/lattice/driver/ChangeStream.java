package dev.lattice.driver;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes read lazily from a replica, in a stable order: one pass per site, in site-id order, each pass in sequence
 * order (ties by table, key and column). A row version comes with every column of the row, each carrying its own
 * version, so a row that starts a new life arrives whole even when some of its columns were last written by another
 * site; those columns do not come again in their own site's pass. Holds a read transaction open until closed, so
 * everything it returns belongs to one snapshot; never holds more than one row's cells in memory.
 */
public interface ChangeStream extends AutoCloseable {

  /** The next change, or null when there are no more. */
  Change next() throws SQLException;

  /** Up to {@code max} next changes; an empty list when there are no more. */
  default List<Change> next(int max) throws SQLException {
    List<Change> batch = new ArrayList<>(Math.min(max, 1024));
    Change change;
    while (batch.size() < max && (change = next()) != null) {
      batch.add(change);
    }
    return batch;
  }

  @Override
  void close() throws SQLException;
}
