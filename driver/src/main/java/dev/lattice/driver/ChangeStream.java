package dev.lattice.driver;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes read lazily from a replica, in a stable order: by site id, then by sequence number, then by table, key and
 * column. Holds a read transaction open until closed, so everything it returns belongs to one snapshot; never holds
 * more than one row's cells in memory.
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
