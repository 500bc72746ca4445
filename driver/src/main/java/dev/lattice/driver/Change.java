package dev.lattice.driver;

import dev.lattice.core.Hlc;
import dev.lattice.core.SiteId;
import java.util.Arrays;
import java.util.Objects;

/**
 * One current cell version: the unit Lattice stores, syncs and merges.
 *
 * <p>A cell is (table, primary key, column). The cell whose {@code column} is null is the row itself: its version
 * says when the row was last inserted or deleted, and its causal length {@code cl} says whether it is alive (odd) or
 * deleted (even). A deleted row has only that cell.
 *
 * @param table the tracked table's name, as declared
 * @param pk the row's primary key in Lattice's stable encoding: for a one-column key
 *     the key value itself; for a composite key the text of each component's SQL literal, comma-separated
 * @param column the column name, or null for the row's existence
 * @param value the cell's value: null, {@link Long}, {@link Double}, {@link String} or {@code byte[]}; null for the
 *     row cell. For a counter column (see {@link TrackOptions}) there is one change per contributing site, and the
 *     value is that site's contribution; the cell's value is their sum
 * @param site the replica that wrote this version
 * @param seq the writer's sequence number for the write (its "dot" together with {@code site})
 * @param hlc the hybrid logical clock of the write (see {@link Hlc})
 * @param cl the row's causal length when the write happened
 */
public record Change(
    String table, Object pk, String column, Object value, SiteId site, long seq, long hlc, long cl) {

  public Change {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(pk, "pk");
    Objects.requireNonNull(site, "site");
  }

  /** True for the cell that carries the row's existence rather than a column value. */
  public boolean isRowCell() {
    return column == null;
  }

  /** True if the row was alive (odd causal length) when this version was written. */
  public boolean rowAlive() {
    return (cl & 1) == 1;
  }

  // Records compare components with equals(); BLOB values and keys are byte[] and need content equality.
  @Override
  public boolean equals(Object o) {
    return o instanceof Change c
        && table.equals(c.table)
        && Objects.deepEquals(pk, c.pk)
        && Objects.equals(column, c.column)
        && Objects.deepEquals(value, c.value)
        && site.equals(c.site)
        && seq == c.seq
        && hlc == c.hlc
        && cl == c.cl;
  }

  @Override
  public int hashCode() {
    return Objects.hash(table, deepHash(pk), column, deepHash(value), site, seq, hlc, cl);
  }

  private static int deepHash(Object o) {
    return o instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(o);
  }

  @Override
  public String toString() {
    return table + "[" + show(pk) + "]." + (column == null ? "<row>" : column) + "=" + show(value)
        + " @" + site + ":" + seq + " hlc=" + Hlc.toString(hlc) + " cl=" + cl;
  }

  private static String show(Object o) {
    return o instanceof byte[] b ? "x'" + java.util.HexFormat.of().formatHex(b) + "'" : String.valueOf(o);
  }
}
