package dev.lattice.driver;

import java.util.List;

/**
 * A row of a numbered table that settling moved, with every row referencing it: the application held it as
 * {@code from}, and finds it as {@code to} from now on.
 *
 * @param table the numbered table
 * @param prefix for a composite key, the values of the key's other columns, which the row keeps; empty otherwise
 * @param from the number the row had here
 * @param to the number it has on every replica
 */
public record Renumbering(String table, List<Object> prefix, long from, long to) {
  public Renumbering {
    prefix = List.copyOf(prefix);
  }

  /** A move in a table keyed by one {@code INTEGER PRIMARY KEY}. */
  public Renumbering(String table, long from, long to) {
    this(table, List.of(), from, to);
  }
}
