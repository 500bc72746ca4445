package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cell ids are 16 bytes ordered as unsigned 128-bit numbers, which is also tree order. */
class CellIdTest {
  @Test
  void bytesHexAndParseRoundTrip() {
    Random random = new Random(3);
    for (int i = 0; i < 100; i++) {
      CellId cell = Fixtures.randomCell(random);
      assertEquals(cell, CellId.of(cell.bytes()));
      assertEquals(cell, CellId.parse(cell.toString()));
      assertEquals(32, cell.toString().length());
    }
  }

  @Test
  void orderIsUnsignedHighHalfFirst() {
    CellId low = CellId.parse("7fffffffffffffffffffffffffffffff");
    CellId high = CellId.parse("80000000000000000000000000000000");
    CellId highLo = CellId.parse("8000000000000000ffffffffffffffff");
    assertTrue(low.compareTo(high) < 0, "a set top bit sorts last, not first");
    assertTrue(high.compareTo(highLo) < 0, "the low half breaks ties, unsigned too");
    assertEquals(0, high.compareTo(CellId.parse("80000000000000000000000000000000")));
  }

  @Test
  void nibblesAreTheHexDigitsFromTheLeft() {
    CellId cell = CellId.parse("0123456789abcdef0000000000000000");
    for (int depth = 0; depth < NodeAddress.MAX_DEPTH; depth++) {
      assertEquals(depth, cell.nibble(depth));
    }
  }

  @Test
  void ofRejectsAnythingButSixteenBytesSayingSo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellId.of(new byte[17]));
    assertEquals("a cell id is 16 bytes, got 17", e.getMessage());
  }
}
