package dev.lattice.driver.capture;

import dev.lattice.core.CellVersion;

/**
 * One row as this replica holds it before a merge, read once per row and batch: its version (null if never held) and
 * the columns whose version differs from it ({@code lattice_cols}); a column without an override carries the row's.
 */
final class HeldRow {
  final CellVersion version;
  final CellVersion[] overrides;
  private final boolean[] replacedInBatch;

  HeldRow(CellVersion version, CellVersion[] overrides) {
    this.version = version;
    this.overrides = overrides;
    this.replacedInBatch = new boolean[overrides.length];
  }

  /** The row's causal length; 0 for a row never held. */
  long cl() {
    return version == null ? 0 : version.cl();
  }

  boolean hasOverrides() {
    for (CellVersion v : overrides) {
      if (v != null) {
        return true;
      }
    }
    return false;
  }

  CellVersion columnVersion(int i) {
    return overrides[i] != null ? overrides[i] : version;
  }

  /** A column already replaced by an earlier change of this batch: what it holds is not this replica's own any more. */
  boolean replacedInBatch(int i) {
    return replacedInBatch[i];
  }

  void replaced(int i) {
    replacedInBatch[i] = true;
  }
}
