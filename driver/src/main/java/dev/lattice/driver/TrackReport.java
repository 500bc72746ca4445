package dev.lattice.driver;

import java.util.List;

/**
 * What tracking a table did.
 *
 * @param table the table
 * @param newlyTracked false if the table was already tracked and nothing was done
 * @param rowsCaptured rows recorded as changes when tracking started: every existing row the first time; on
 *     re-tracking after {@code untrack}, the rows inserted, deleted or possibly updated while capture was off
 * @param warnings risks found in the table's definition, each naming the table, the risk and the fix
 */
public record TrackReport(String table, boolean newlyTracked, long rowsCaptured, List<String> warnings) {
  public TrackReport {
    warnings = List.copyOf(warnings);
  }

  /** One line for people, then one line per warning. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(table).append(newlyTracked
        ? ": tracked, " + rowsCaptured + " existing row(s) captured" : ": already tracked");
    warnings.forEach(w -> text.append("\nwarning: ").append(w));
    return text.toString();
  }
}
