package dev.lattice.driver.jdbc;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a statement may change the schema, told by its first keyword (comments and whitespace skipped): the driver
 * runs such statements so that capture follows them (see {@code SchemaEvolution}). Nothing else is read from SQL text
 * but whether it starts by controlling the transaction ({@link #controlsTransaction}).
 */
enum StatementKind {
  /** Anything that cannot change a table's definition. */
  DATA,
  /** {@code ALTER TABLE}: capture triggers must be lifted for it to run. */
  ALTER,
  /** {@code CREATE} or {@code DROP}. */
  SCHEMA;

  private static final Set<String> TRANSACTION_CONTROL =
      Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");

  static StatementKind of(String sql) {
    String keyword = firstKeyword(sql);
    if (keyword.equalsIgnoreCase("ALTER")) {
      return ALTER;
    }
    return keyword.equalsIgnoreCase("CREATE") || keyword.equalsIgnoreCase("DROP") ? SCHEMA : DATA;
  }

  /** True if {@code sql} starts with {@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT} or the like. */
  static boolean controlsTransaction(String sql) {
    return TRANSACTION_CONTROL.contains(firstKeyword(sql).toUpperCase(Locale.ROOT));
  }

  private static String firstKeyword(String sql) {
    int i = skipSpaceAndComments(sql);
    int end = i;
    while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
      end++;
    }
    return sql.substring(i, end);
  }

  /** The stronger of two kinds: a batch changes the schema if any of its statements does. */
  StatementKind and(StatementKind other) {
    return compareTo(other) >= 0 ? this : other;
  }

  private static int skipSpaceAndComments(String sql) {
    int i = 0;
    while (i < sql.length()) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int newline = sql.indexOf('\n', i);
        i = newline < 0 ? sql.length() : newline + 1;
      } else if (sql.startsWith("/*", i)) {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? sql.length() : close + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
