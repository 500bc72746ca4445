package dev.lattice.core;

import static dev.lattice.core.RowMergeTest.A;
import static dev.lattice.core.RowMergeTest.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stable point: what every holder holds, never lower than before, and what a merge ignores under it. */
class StablePointTest {
  static VersionVector vector(long a, long b) {
    return VersionVector.of(Map.of(A, a, B, b));
  }

  @Test
  void risesToThePointwiseLeastOfItsHolders() {
    List<StablePoint.Rise> rises = StablePoint.NONE.risesTowards(List.of(vector(5, 9), vector(7, 3), vector(6, 4)));
    assertEquals(List.of(new StablePoint.Rise(A, 0, 5), new StablePoint.Rise(B, 0, 3)), rises);
    assertEquals(vector(5, 3), StablePoint.NONE.raisedBy(rises).vector());
  }

  @Test
  void neverGoesDownAndASiteOneHolderLacksDoesNotMove() {
    StablePoint point = new StablePoint(vector(5, 3));
    assertEquals(List.of(new StablePoint.Rise(B, 3, 4)),
        point.risesTowards(List.of(vector(2, 8), VersionVector.of(Map.of(B, 4L)))));
    assertEquals(List.of(), point.risesTowards(List.of(VersionVector.of(Map.of(A, 9L)), VersionVector.empty())));
    assertEquals(List.of(), point.risesTowards(List.of()), "nobody to go by");
  }

  @Test
  void aMergeIgnoresVersionsAtOrBelowIt() {
    StablePoint point = new StablePoint(vector(5, 3));
    assertTrue(point.covers(new CellVersion(2, 1, A, 5)));
    assertFalse(point.covers(new CellVersion(2, 1, A, 6)));
    assertFalse(StablePoint.NONE.covers(new CellVersion(1, 1, B, 1)));
  }
}
