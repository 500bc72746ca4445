package dev.lattice.driver;

/**
 * A row of a numbered table that settling moved, with every row referencing it: the application held it as
 * {@code from}, and finds it as {@code to} from now on.
 *
 * @param table the numbered table
 * @param from the number SQLite gave the row here
 * @param to the number it has on every replica
 */
public record Renumbering(String table, long from, long to) {}
