package dev.lattice.driver.capture;

import java.util.Arrays;
import java.util.Objects;

/** A row in Lattice's metadata: table id and stored key (see {@link PrimaryKeyCodec}). Tags the row's tree items. */
record RowRef(int tbl, Object pk) {
  // A BLOB key is a byte[]: compare and hash it by content.
  @Override
  public boolean equals(Object o) {
    return o instanceof RowRef r && r.tbl == tbl && Objects.deepEquals(r.pk, pk);
  }

  @Override
  public int hashCode() {
    return 31 * tbl + (pk instanceof byte[] b ? Arrays.hashCode(b) : pk.hashCode());
  }
}
