package dev.lattice.driver.capture;

import dev.lattice.driver.SqlStates;
import java.sql.SQLException;

/** The database was written by a newer Lattice, whose metadata layout this driver does not know. */
public final class NewerLayoutException extends SQLException {
  private final int layout;

  NewerLayoutException(int layout) {
    super("this database was written by a newer Lattice (metadata layout " + layout + "; this driver knows layouts up"
        + " to " + LatticeSchema.VERSION + "). Fix: upgrade lattice-driver to the version that wrote it, or newer;"
        + " nothing was changed", SqlStates.FEATURE_NOT_SUPPORTED);
    this.layout = layout;
  }

  /** The layout version the database holds. */
  public int layout() {
    return layout;
  }
}
