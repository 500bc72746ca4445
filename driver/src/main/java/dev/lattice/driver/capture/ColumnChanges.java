package dev.lattice.driver.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a table's versioned columns changed between what Lattice registered and what the table now declares.
 *
 * <p>Columns are matched by name. A registered column that disappeared while another appeared is a rename only when
 * the capture triggers survived the change: SQLite rewrites trigger bodies on {@code RENAME COLUMN}, refuses
 * {@code DROP COLUMN} of a column a trigger reads, and {@code ADD COLUMN} appends, so with the triggers intact the
 * disappeared columns, in bit order, pair with the first appeared ones in declaration order. A rebuilt table (its
 * triggers went with the old one) can only be matched by name: the rest were dropped or added.
 *
 * @param columns the new value columns in bit order: surviving columns keep their relative order, added ones follow
 * @param moves old bit position to new position, for each surviving column
 * @param added names of the added columns (never renamed ones)
 */
record ColumnChanges(List<String> columns, Map<Integer, Integer> moves, List<String> added) {

  static ColumnChanges between(List<String> registered, List<String> declared, boolean triggersIntact) {
    List<String> disappeared = registered.stream().filter(name -> !declared.contains(name)).toList();
    List<String> appeared = declared.stream().filter(name -> !registered.contains(name)).toList();
    Map<String, String> renamed = new LinkedHashMap<>();
    if (triggersIntact) {
      for (int i = 0; i < Math.min(disappeared.size(), appeared.size()); i++) {
        renamed.put(disappeared.get(i), appeared.get(i));
      }
    }
    List<String> columns = new ArrayList<>();
    Map<Integer, Integer> moves = new LinkedHashMap<>();
    for (int old = 0; old < registered.size(); old++) {
      String name = registered.get(old);
      String now = declared.contains(name) ? name : renamed.get(name);
      if (now != null) {
        moves.put(old, columns.size());
        columns.add(now);
      }
    }
    List<String> added = appeared.stream().filter(name -> !renamed.containsValue(name)).toList();
    columns.addAll(added);
    return new ColumnChanges(columns, moves, added);
  }

  /** True if nothing moved, nothing was dropped and nothing was added or renamed. */
  boolean none(List<String> registered) {
    return columns.equals(registered);
  }
}
