package dev.lattice.driver.capture;

import java.util.List;

/**
 * Writes the capture triggers of one tracked table, in plain SQL.
 *
 * <p>Plain SQL because sqlite-jdbc functions exist only on the connection that registered them: a trigger calling one
 * would fail with "no such function" when the sqlite3 shell or a plain {@code jdbc:sqlite:} connection writes the
 * table. These triggers use only built-ins that SQLite 3.40 (Debian's shell) already has.
 *
 * <p>Each trigger appends one row to {@code lattice_log} and nothing else; the log's integer key is the sequence
 * number, so the append lands on the rightmost page and costs little. Everything keyed by primary key is written later,
 * in sorted batches, by {@link LogFold}. Four triggers per table:
 *
 * <ul>
 *   <li>insert: op 1 for the new key. {@code INSERT OR REPLACE} over an existing row fires no DELETE trigger (SQLite
 *       keeps {@code recursive_triggers} off by default); the fold recognises an insert over a live row and gives the
 *       row a new life.
 *   <li>update, key unchanged, some value changed: op 3 with a mask of the columns whose value changed. Values are
 *       compared with {@code IS NOT ... COLLATE BINARY} so a NOCASE column's case change still counts.
 *   <li>update that changes the key: a delete of the old key and an insert of the new one, both reaching peers.
 *       Declared {@code AFTER UPDATE OF} the key columns, so SQLite compiles it only into statements that set one:
 *       SQLite compiles a table's triggers into every statement that fires them, at every prepare, and most updates
 *       leave the key alone.
 *   <li>delete: op 2 for the old key.
 * </ul>
 *
 * <p>In a numbered table ({@link Numbering}) the insert and rekey triggers also record the new key as provisional,
 * with whether the number already had metadata then. That lookup is written {@code pk = +NEW.id}: the unary plus drops
 * the column's INTEGER affinity, which SQLite would otherwise apply to {@code pk} (a column without one), and which
 * stops it using the metadata's key index, so that every insert scanned it.
 *
 * <p>None fires while {@code lattice_applying} has a row: that is a merge writing changes that came from a peer.
 */
final class TriggerSql {
  /**
   * The hybrid logical clock of a new local write (see {@link dev.lattice.core.Hlc}): wall-clock milliseconds
   * shifted left 16 bits, or one more than the last stamp this replica wrote or received, whichever is larger. SQLite
   * keeps {@code 'now'} fixed within one statement, so the {@code + 1} is what orders the rows of a multi-row write.
   */
  static final String NEW_HLC = "max(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 65536,"
      + " coalesce((SELECT hlc FROM lattice_log ORDER BY seq DESC LIMIT 1), 0) + 1,"
      + " (SELECT hlc FROM lattice_clock WHERE id = 1) + 1)";

  private static final String CAPTURING = "NOT EXISTS (SELECT 1 FROM lattice_applying)";

  private TriggerSql() {}

  static List<String> create(int tableId, TableShape shape) {
    String table = Sql.id(shape.name());
    String newKey = shape.pkExpression("NEW");
    String oldKey = shape.pkExpression("OLD");
    String keyUnchanged = allOf(shape.pkColumns(), "IS", " AND ");
    String keyChanged = allOf(shape.pkColumns(), "IS NOT", " OR ");

    String provisional = shape.numbered() ? " " + provisional(tableId, newKey) : "";
    String insert = "CREATE TRIGGER " + name(tableId, "insert") + " AFTER INSERT ON " + table + " WHEN " + CAPTURING
        + " BEGIN " + append(tableId, newKey, LatticeSchema.OP_INSERT, "NULL") + provisional + " END";
    String rekey = "CREATE TRIGGER " + name(tableId, "rekey") + " AFTER UPDATE OF " + columnList(shape.pkColumns())
        + " ON " + table + " WHEN (" + keyChanged
        + ") AND " + CAPTURING + " BEGIN " + append(tableId, oldKey, LatticeSchema.OP_DELETE, "NULL") + " "
        + append(tableId, newKey, LatticeSchema.OP_INSERT, "NULL") + provisional + " END";
    String delete = "CREATE TRIGGER " + name(tableId, "delete") + " AFTER DELETE ON " + table + " WHEN " + CAPTURING
        + " BEGIN " + append(tableId, oldKey, LatticeSchema.OP_DELETE, "NULL") + " END";
    if (shape.columns().isEmpty()) {
      return List.of(insert, rekey, delete);
    }
    String update = "CREATE TRIGGER " + name(tableId, "update") + " AFTER UPDATE ON " + table + " WHEN ("
        + keyUnchanged + ") AND (" + allOf(shape.columns(), "IS NOT", " OR ") + ") AND " + CAPTURING + " BEGIN "
        + append(tableId, newKey, LatticeSchema.OP_UPDATE, changedMask(shape.columns())) + " END";
    return List.of(insert, update, rekey, delete);
  }

  static List<String> drop(int tableId) {
    return List.of("insert", "update", "rekey", "delete").stream()
        .map(kind -> "DROP TRIGGER IF EXISTS " + name(tableId, kind))
        .toList();
  }

  /** The name of table {@code tableId}'s insert trigger, which every tracked table has. */
  static String insertTrigger(int tableId) {
    return name(tableId, "insert");
  }

  private static String name(int tableId, String kind) {
    return "lattice_" + tableId + "_" + kind;
  }

  private static String append(int tableId, String key, int op, String mask) {
    return "INSERT INTO lattice_log(tbl, pk, op, cols, hlc) VALUES (" + tableId + ", " + key + ", " + op + ", " + mask
        + ", " + NEW_HLC + ");";
  }

  private static String provisional(int tableId, String key) {
    return "INSERT OR IGNORE INTO lattice_provisional(tbl, num, known) VALUES (" + tableId + ", " + key + ", EXISTS"
        + " (SELECT 1 FROM lattice_rows WHERE tbl = " + tableId + " AND pk = +" + key + "));";
  }

  private static String columnList(List<String> columns) {
    StringBuilder sql = new StringBuilder();
    for (String column : columns) {
      sql.append(sql.length() == 0 ? "" : ", ").append(Sql.id(column));
    }
    return sql.toString();
  }

  private static String allOf(List<String> columns, String comparison, String joiner) {
    StringBuilder sql = new StringBuilder();
    for (String column : columns) {
      sql.append(sql.length() == 0 ? "" : joiner).append(compare(column, comparison));
    }
    return sql.toString();
  }

  private static String compare(String column, String comparison) {
    String id = Sql.id(column);
    return "NEW." + id + " " + comparison + " OLD." + id + " COLLATE BINARY";
  }

  /** {@code (c0 changed) | (c1 changed) << 1 | ...}; each comparison parenthesised because IS binds looser than <<. */
  private static String changedMask(List<String> columns) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : " | ").append("((").append(compare(columns.get(i), "IS NOT")).append(')');
      sql.append(i == 0 ? ")" : " << " + i + ")");
    }
    return sql.toString();
  }
}
