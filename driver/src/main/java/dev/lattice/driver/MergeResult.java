package dev.lattice.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * What applying a batch did.
 *
 * @param cellsApplied incoming cell versions that won and were written
 * @param cellsIgnored incoming cell versions that lost or were already there
 * @param conflicts concurrent edits recorded in {@code lattice_conflicts}
 * @param renumbered rows inserted here into numbered tables, not numbered for sync yet, that moved out of the way of
 *     numbers the batch brought (they wait below zero until settled)
 */
public record MergeResult(long cellsApplied, long cellsIgnored, long conflicts, List<Renumbering> renumbered) {
  public static final MergeResult NONE = new MergeResult(0, 0, 0);

  public MergeResult {
    renumbered = List.copyOf(renumbered);
  }

  public MergeResult(long cellsApplied, long cellsIgnored, long conflicts) {
    this(cellsApplied, cellsIgnored, conflicts, List.of());
  }

  public MergeResult plus(MergeResult other) {
    List<Renumbering> moves = new ArrayList<>(renumbered);
    moves.addAll(other.renumbered);
    return new MergeResult(cellsApplied + other.cellsApplied, cellsIgnored + other.cellsIgnored,
        conflicts + other.conflicts, moves);
  }
}
