package dev.lattice.core;

/**
 * The decisions of merging one row's incoming versions into what a replica holds, without storage: every device
 * ({@code Merger}, over its SQLite metadata) and the relay ({@code RelayMerge}, over sealed envelopes) ask these and
 * nothing else, so they keep the same winners and build the same trees.
 *
 * <p>The row's version decides its life ({@link RowLife}); a change of life forgets the columns and counter
 * contributions of the old one. Within a life a column keeps its greatest version under {@link CellVersion#ORDER},
 * and a counter keeps each site's latest contribution (its own writes only ever move it). Versions at or below the
 * stable point are filtered out before any of this ({@link StablePoint#covers}).
 */
public final class RowMerge {
  /** What becomes of an incoming column version or counter contribution. */
  public enum Verdict {
    /** It wins: the cell takes it. */
    WINS,
    /** What is held wins. */
    LOSES,
    /** It is the very write already held. */
    SAME_WRITE,
    /** It belongs to an older life of the row, which the row's current version ended. */
    OLDER_LIFE,
    /**
     * It belongs to a newer life of the row than any version held or arriving: the batch broke the contract that a
     * life's cells travel with its row version, and must be refused whole.
     */
    LIFE_NOT_CARRIED
  }

  private RowMerge() {}

  /**
   * The row version that wins: the greatest of {@code incoming} if it beats {@code held}, otherwise null (the row's
   * version stays). {@code held} is null for a row never held.
   */
  public static CellVersion winningRowVersion(CellVersion held, Iterable<CellVersion> incoming) {
    CellVersion best = null;
    for (CellVersion v : incoming) {
      if (best == null || v.compareTo(best) > 0) {
        best = v;
      }
    }
    return best != null && (held == null || best.compareTo(held) > 0) ? best : null;
  }

  /**
   * Whether a row held at {@code held} and now at {@code winner} changed life (a delete, or an insert after one): the
   * columns and contributions of the old life are then forgotten, and a new life brings all of its own.
   */
  public static boolean changesLife(CellVersion held, CellVersion winner) {
    return held != null && winner.cl() != held.cl();
  }

  /**
   * Whether the row begins a life it did not have here: a first insert, or a re-insert after a delete. Every column of
   * that life arrives with it, and a column that does not holds its declared default.
   */
  public static boolean beginsLife(long heldCl, CellVersion winner) {
    return winner.cl() > heldCl && winner.alive();
  }

  /**
   * An incoming column version against the one held ({@code held}, null if the column has none in the row's life),
   * in a row whose causal length, after its row versions were merged, is {@code rowCl}.
   */
  public static Verdict column(CellVersion incoming, CellVersion held, long rowCl) {
    Verdict life = life(incoming, rowCl);
    if (life != null) {
      return life;
    }
    if (incoming.sameWrite(held)) {
      return Verdict.SAME_WRITE;
    }
    return held == null || incoming.compareTo(held) > 0 ? Verdict.WINS : Verdict.LOSES;
  }

  /**
   * An incoming counter contribution against the one held from the same site ({@code held}, null if none), in a row
   * whose causal length is {@code rowCl}. A site's contribution only moves with its own writes, so the later sequence
   * number wins.
   */
  public static Verdict contribution(CellVersion incoming, CellVersion held, long rowCl) {
    Verdict life = life(incoming, rowCl);
    if (life != null) {
      return life;
    }
    if (incoming.sameWrite(held)) {
      return Verdict.SAME_WRITE;
    }
    return held == null || incoming.seq() > held.seq() ? Verdict.WINS : Verdict.LOSES;
  }

  /** Whether a cell of the row's life may be merged at all: null if so, else why not. */
  private static Verdict life(CellVersion incoming, long rowCl) {
    if (!RowLife.alive(rowCl) || incoming.cl() < rowCl) {
      return Verdict.OLDER_LIFE; // a dead row has no columns: versions of any life up to its death lose
    }
    return incoming.cl() > rowCl ? Verdict.LIFE_NOT_CARRIED : null;
  }
}
