package dev.lattice.core;

/**
 * A row's life, told by its causal length: 0 before the row ever existed, then one more for each insert after a
 * delete and each delete after an insert, so odd while the row lives and even once it is deleted. A higher causal
 * length beats every version of a lower one: a delete beats the writes it saw, a re-insert beats the delete, and a late
 * column write from an older life can never bring a deleted row back.
 */
public final class RowLife {
  private RowLife() {}

  /** Whether a row whose causal length is {@code cl} lives. */
  public static boolean alive(long cl) {
    return (cl & 1) == 1;
  }
}
