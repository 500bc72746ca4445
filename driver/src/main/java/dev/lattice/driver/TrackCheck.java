package dev.lattice.driver;

import java.util.List;

/**
 * What {@link Replica#inspect} found about a table, without tracking it: whether {@link Replica#track} would accept
 * it, and if not, why and what to do.
 *
 * @param table the table
 * @param trackable whether tracking would be accepted
 * @param problem why it would be refused, or null when trackable
 * @param fix what to do so that it can be tracked, or null when trackable
 * @param warnings risks that do not prevent tracking, each naming the table, the risk and the fix (those
 *     {@link TrackReport#warnings()} would list)
 */
public record TrackCheck(String table, boolean trackable, String problem, String fix, List<String> warnings) {
  public TrackCheck {
    warnings = List.copyOf(warnings);
  }
}
