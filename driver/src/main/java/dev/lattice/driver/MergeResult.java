package dev.lattice.driver;

/**
 * What applying a batch did.
 *
 * @param cellsApplied incoming cell versions that won and were written
 * @param cellsIgnored incoming cell versions that lost or were already there
 * @param conflicts concurrent edits recorded in {@code lattice_conflicts}
 */
public record MergeResult(long cellsApplied, long cellsIgnored, long conflicts) {
  public static final MergeResult NONE = new MergeResult(0, 0, 0);

  public MergeResult plus(MergeResult other) {
    return new MergeResult(cellsApplied + other.cellsApplied, cellsIgnored + other.cellsIgnored,
        conflicts + other.conflicts);
  }
}
