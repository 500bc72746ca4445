package dev.lattice.driver.capture;

import dev.lattice.core.ClockBound;
import dev.lattice.core.Hlc;
import dev.lattice.core.SiteId;
import dev.lattice.driver.Change;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.SqlStates;
import java.sql.SQLException;
import java.util.Map;

/**
 * What a batch must be before anything of it is merged: every change of a table and column tracked here, well formed
 * and stamped within the clock bound, and its cover within its sender's vector. One refused change refuses the batch.
 */
final class MergeValidation {
  private MergeValidation() {}

  /** Refuses {@code batch} with a message naming the first problem and its fix; {@code tables} are tracked here. */
  static void check(ChangeBatch batch, Map<String, TrackedTables.Registered> tables, long nowMillis,
      long maxDriftMillis) throws SQLException {
    for (Map.Entry<SiteId, Long> covered : batch.covers().entries().entrySet()) {
      // A sender cannot have sent everything up to a version it has not seen; a batch that says so would leave this
      // replica claiming versions it will then never ask for (found by HostilePeerProperties).
      if (covered.getValue() > batch.senderVector().get(covered.getKey())) {
        throw new SQLException("cannot apply changes: the batch covers site " + covered.getKey() + " up to "
            + covered.getValue() + ", beyond the sender's own vector (" + batch.senderVector().get(covered.getKey())
            + "). Nothing from this batch was applied", SqlStates.DATA_EXCEPTION);
      }
    }
    for (Change change : batch.changes()) {
      check(change, tables.get(change.table()), nowMillis, maxDriftMillis);
    }
  }

  private static void check(Change change, TrackedTables.Registered table, long nowMillis, long maxDriftMillis)
      throws SQLException {
    if (table == null) {
      throw new SQLException("cannot apply changes: table " + change.table() + " is not tracked on this replica"
          + " (schema mismatch with site " + change.site() + "). Track it here, or stop tracking it there; nothing"
          + " from this batch was applied", SqlStates.ACCESS_RULE_VIOLATION);
    }
    if (change.column() != null && !table.shape().columns().contains(change.column())) {
      throw new SQLException("cannot apply changes: table " + change.table() + " has no tracked column "
          + change.column() + " here (schema mismatch with site " + change.site() + "); migrate this replica to the"
          + " same schema first. Nothing from this batch was applied", SqlStates.ACCESS_RULE_VIOLATION);
    }
    if (change.cl() < 1 || change.seq() < 1 || (change.column() != null && !change.rowAlive())) {
      throw new SQLException("cannot apply changes: malformed change " + change + " (causal length and sequence"
          + " start at 1; a column value belongs to a live row, whose causal length is odd). Nothing from this"
          + " batch was applied", SqlStates.DATA_EXCEPTION);
    }
    try {
      PrimaryKeyCodec.decode(change.pk(), table.shape().pkColumns().size());
    } catch (IllegalArgumentException e) {
      throw new SQLException("cannot apply changes: " + e.getMessage() + " in " + change + ". Nothing from this"
          + " batch was applied", SqlStates.DATA_EXCEPTION, e);
    }
    Object value = change.value();
    if (value != null && !(value instanceof Long || value instanceof Double || value instanceof String
        || value instanceof byte[])) {
      throw new SQLException("cannot apply changes: " + change + " holds a " + value.getClass().getName()
          + "; values are NULL, Long, Double, String or byte[] (SQLite's types). Nothing from this batch was"
          + " applied", SqlStates.DATA_EXCEPTION);
    }
    if (ClockBound.tooFarAhead(change.hlc(), nowMillis, maxDriftMillis)) {
      throw new SQLException("rejected changes from site " + change.site() + ": stamped " + Hlc.toString(change.hlc())
          + ", " + (Hlc.millis(change.hlc()) - nowMillis) + " ms ahead of this replica's clock, beyond the "
          + maxDriftMillis + " ms allowed. That device's clock is wrong: correct it and sync again. Nothing from"
          + " this batch was applied", SqlStates.DATA_EXCEPTION);
    }
  }
}
