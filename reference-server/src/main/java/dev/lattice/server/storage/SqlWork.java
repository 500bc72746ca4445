package dev.lattice.server.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection of the server's database, inside a transaction when written. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
