package dev.lattice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.core.RowMerge.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge decisions every replica and the relay share, one rule at a time. */
class RowMergeTest {
  static final SiteId A = site(1);
  static final SiteId B = site(2);

  static SiteId site(int last) {
    byte[] bytes = new byte[SiteId.LENGTH];
    bytes[SiteId.LENGTH - 1] = (byte) last;
    return SiteId.of(bytes);
  }

  static CellVersion v(long cl, long hlc, SiteId site, long seq) {
    return new CellVersion(cl, hlc, site, seq);
  }

  @Test
  void aDeleteBeatsTheWritesOfTheLifeItEndedWhateverTheirClocks() {
    CellVersion insert = v(1, 900, A, 1);
    CellVersion delete = v(2, 100, B, 1);
    assertEquals(delete, RowMerge.winningRowVersion(insert, List.of(delete)));
    assertNull(RowMerge.winningRowVersion(delete, List.of(v(1, 999, A, 2))), "a late write of the old life loses");
  }

  @Test
  void theGreatestIncomingRowVersionWinsOnlyIfItBeatsTheHeldOne() {
    CellVersion held = v(3, 500, A, 7);
    assertNull(RowMerge.winningRowVersion(held, List.of(v(3, 400, B, 1), v(1, 900, B, 2))));
    assertEquals(v(3, 600, B, 3), RowMerge.winningRowVersion(held, List.of(v(3, 400, B, 1), v(3, 600, B, 3))));
    assertEquals(v(1, 1, A, 1), RowMerge.winningRowVersion(null, List.of(v(1, 1, A, 1))), "a row never held");
    assertNull(RowMerge.winningRowVersion(held, List.of()));
  }

  @Test
  void equalClocksAreBrokenBySiteIdAsUnsignedBytes() {
    SiteId high = SiteId.of(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assertEquals(Verdict.WINS, RowMerge.column(v(1, 5, high, 1), v(1, 5, A, 9), 1));
    assertEquals(Verdict.LOSES, RowMerge.column(v(1, 5, A, 9), v(1, 5, high, 1), 1));
  }

  @Test
  void aChangeOfLifeForgetsTheOldLifesColumnsAndABeginningBringsItsOwn() {
    assertTrue(RowMerge.changesLife(v(1, 1, A, 1), v(2, 2, B, 1)), "a death");
    assertTrue(RowMerge.changesLife(v(2, 1, A, 1), v(3, 2, B, 1)), "a re-insert");
    assertFalse(RowMerge.changesLife(v(1, 1, A, 1), v(1, 2, B, 1)), "a later version of the same life");
    assertFalse(RowMerge.changesLife(null, v(1, 1, A, 1)), "a row never held has nothing to forget");

    assertTrue(RowMerge.beginsLife(0, v(1, 1, A, 1)));
    assertTrue(RowMerge.beginsLife(2, v(3, 1, A, 1)));
    assertFalse(RowMerge.beginsLife(1, v(2, 1, A, 1)), "a death begins nothing");
    assertFalse(RowMerge.beginsLife(3, v(3, 9, A, 1)), "the same life");
  }

  @Test
  void aColumnKeepsItsGreatestVersionWithinTheRowsLife() {
    CellVersion held = v(3, 500, A, 4);
    assertEquals(Verdict.WINS, RowMerge.column(v(3, 501, B, 1), held, 3));
    assertEquals(Verdict.LOSES, RowMerge.column(v(3, 499, B, 1), held, 3));
    assertEquals(Verdict.WINS, RowMerge.column(v(3, 1, B, 1), null, 3), "a column with nothing held");
    assertEquals(Verdict.SAME_WRITE, RowMerge.column(v(3, 500, A, 4), held, 3));
  }

  @Test
  void columnsOfAnotherLifeAreIgnoredOrRefused() {
    assertEquals(Verdict.OLDER_LIFE, RowMerge.column(v(1, 999, B, 1), v(3, 1, A, 1), 3));
    assertEquals(Verdict.OLDER_LIFE, RowMerge.column(v(1, 999, B, 1), null, 2), "a dead row has no columns");
    assertEquals(Verdict.OLDER_LIFE, RowMerge.column(v(1, 999, B, 1), null, 0), "nor a row never held");
    assertEquals(Verdict.LIFE_NOT_CARRIED, RowMerge.column(v(5, 1, B, 1), null, 3));
  }

  @Test
  void aCounterKeepsEachSitesLatestContributionWhateverItsClock() {
    CellVersion held = v(1, 900, A, 5);
    assertEquals(Verdict.WINS, RowMerge.contribution(v(1, 100, A, 6), held, 1), "a later write of the same site");
    assertEquals(Verdict.LOSES, RowMerge.contribution(v(1, 999, A, 4), held, 1));
    assertEquals(Verdict.SAME_WRITE, RowMerge.contribution(v(1, 900, A, 5), held, 1));
    assertEquals(Verdict.WINS, RowMerge.contribution(v(1, 1, B, 1), null, 1), "another site's first");
    assertEquals(Verdict.OLDER_LIFE, RowMerge.contribution(v(1, 1, B, 9), null, 3));
    assertEquals(Verdict.LIFE_NOT_CARRIED, RowMerge.contribution(v(5, 1, B, 9), null, 3));
  }
}
