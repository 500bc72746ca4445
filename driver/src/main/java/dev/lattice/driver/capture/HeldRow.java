package dev.lattice.driver.capture;

import dev.lattice.core.CellVersion;

/**
 * One row as this replica holds it before a merge, read once per row and batch: its version (null if never held) and
 * the columns whose version differs from it ({@code lattice_cols}); a column without an override carries the row's.
 */
final class HeldRow {
  final CellVersion version;
  final CellVersion[] overrides;

  HeldRow(CellVersion version, CellVersion[] overrides) {
    this.version = version;
    this.overrides = overrides;
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
}
