package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every replica encodes a cell version the same way, so equal states hash equally. */
class ItemVersionTest {
  private static final byte[] SITE_A = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
  private static final byte[] SITE_B = HexFormat.of().parseHex("f102030405060708090a0b0c0d0e0f10");

  @Test
  void aLastWriterWinsVersionIsCausalLengthClockSiteAndSequenceBigEndian() {
    assertEquals("0000000000000001" + "0000000000000002" + "0102030405060708090a0b0c0d0e0f10" + "0000000000000003",
        HexFormat.of().formatHex(ItemVersion.of(1, 2, SITE_A, 3)));
  }

  @Test
  void counterContributionsAreEncodedInUnsignedSiteOrderWhateverOrderTheyCameIn() {
    ItemVersion.Contribution a = new ItemVersion.Contribution(SITE_A, 5, 50);
    ItemVersion.Contribution b = new ItemVersion.Contribution(SITE_B, 6, 60);
    byte[] ab = ItemVersion.ofContributions(1, List.of(a, b));
    assertArrayEquals(ab, ItemVersion.ofContributions(1, List.of(b, a)));
    assertEquals(8 + 2 * 32, ab.length);
    assertEquals("0000000000000001" + "0102030405060708090a0b0c0d0e0f10" + "0000000000000005" + "0000000000000032"
        + "f102030405060708090a0b0c0d0e0f10" + "0000000000000006" + "000000000000003c", HexFormat.of().formatHex(ab),
        "site 01... before site f1...: unsigned order");
  }

  @Test
  void aSiteIdIsSixteenBytes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ItemVersion.of(1, 2, new byte[15], 3));
    assertEquals("a site id is 16 bytes, got 15", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ItemVersion.ofContributions(1, List.of(new ItemVersion.Contribution(new byte[17], 1, 1))));
  }
}
