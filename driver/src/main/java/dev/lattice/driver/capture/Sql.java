package dev.lattice.driver.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC conveniences shared by the capture engine. */
final class Sql {
  private Sql() {}

  /** An identifier quoted for SQLite: {@code my "odd" table} becomes {@code "my ""odd"" table"}. */
  static String id(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A string literal quoted for SQLite. */
  static String literal(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row, or null if there is no row. */
  static Object one(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, 1, args);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getObject(1) : null;
      }
    }
  }

  static long oneLong(Connection c, String sql, Object... args) throws SQLException {
    Object v = one(c, sql, args);
    return v == null ? 0 : ((Number) v).longValue();
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, 1, args);
      return p.executeUpdate();
    }
  }

  /** Sets {@code values} as the parameters of {@code p} from parameter {@code first} on. */
  static void bind(PreparedStatement p, int first, Object[] values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      p.setObject(first + i, values[i]);
    }
  }


  /** Closes each of {@code all}, even when one before it fails; throws the first failure with the rest suppressed. */
  static void closeAll(Iterable<? extends AutoCloseable> all) throws SQLException {
    Exception first = null;
    for (AutoCloseable each : all) {
      try {
        each.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first instanceof SQLException e) {
      throw e;
    } else if (first instanceof RuntimeException e) {
      throw e;
    } else if (first != null) {
      throw new SQLException(first);
    }
  }

  /** sqlite-jdbc returns Integer for small INTEGER values; Lattice speaks Long for every SQLite INTEGER. */
  static Object normalize(Object value) {
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }
}
