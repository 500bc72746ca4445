package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Digests are 128-bit numbers summed modulo 2^128; checked against BigInteger arithmetic. */
class DigestTest {
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(128);

  /** Values at the edges of both 64-bit halves, where carries and borrows cross from one half to the other. */
  private static final long[] EDGES = {0, 1, 2, -1, -2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
      0x0000_0000_FFFF_FFFFL, 0xFFFF_FFFF_0000_0000L};

  private static BigInteger big(Digest d) {
    return new BigInteger(1, d.bytes());
  }

  private static Digest digest(BigInteger value) {
    byte[] raw = value.mod(MODULUS).toByteArray();
    byte[] out = new byte[Digest.BYTES];
    // toByteArray may carry a leading sign byte or be shorter than 16 bytes: right-align the low 16.
    int n = Math.min(raw.length, Digest.BYTES);
    System.arraycopy(raw, raw.length - n, out, Digest.BYTES - n, n);
    return Digest.of(out);
  }

  private static Digest digest(long hi, long lo) {
    byte[] out = new byte[Digest.BYTES];
    Bits.putLong(out, 0, hi);
    Bits.putLong(out, 8, lo);
    return Digest.of(out);
  }

  private static List<Digest> samples() {
    List<Digest> out = new ArrayList<>();
    for (long hi : EDGES) {
      for (long lo : EDGES) {
        out.add(digest(hi, lo));
      }
    }
    Random random = new Random(20_261_122L);
    for (int i = 0; i < 200; i++) {
      out.add(digest(random.nextLong(), random.nextLong()));
    }
    return out;
  }

  @Test
  void plusAndMinusAreAdditionAndSubtractionModulo2To128() {
    List<Digest> samples = samples();
    for (Digest a : samples) {
      for (Digest b : samples) {
        assertEquals(big(a).add(big(b)).mod(MODULUS), big(a.plus(b)), () -> a + " + " + b);
        assertEquals(big(a).subtract(big(b)).mod(MODULUS), big(a.minus(b)), () -> a + " - " + b);
      }
    }
  }

  @Test
  void minusUndoesPlusAndPlusUndoesMinus() {
    List<Digest> samples = samples();
    for (Digest a : samples) {
      for (Digest b : samples) {
        assertEquals(a, a.plus(b).minus(b));
        assertEquals(a, a.minus(b).plus(b));
      }
    }
  }

  @Test
  void aCarryOutOfTheLowHalfReachesTheHighHalf() {
    assertEquals(digest(1, 0), digest(0, -1).plus(digest(0, 1)));
    assertEquals(digest(0, 0), digest(-1, -1).plus(digest(0, 1)), "wraps around modulo 2^128");
  }

  @Test
  void aBorrowFromTheHighHalfReachesTheLowHalf() {
    assertEquals(digest(0, -1), digest(1, 0).minus(digest(0, 1)));
    assertEquals(digest(-1, -1), Digest.ZERO.minus(digest(0, 1)), "wraps around modulo 2^128");
    assertEquals(digest(-1, 0), Digest.ZERO.minus(digest(1, 0)), "no borrow when the low half is zero");
  }

  @Test
  void sumsDoNotDependOnOrderAndARepeatedItemDoesNotCancel() {
    Random random = new Random(7);
    List<Digest> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      items.add(digest(random.nextLong(), random.nextLong()));
    }
    Digest forward = Digest.ZERO;
    BigInteger oracle = BigInteger.ZERO;
    for (Digest d : items) {
      forward = forward.plus(d);
      oracle = oracle.add(big(d));
    }
    Digest backward = Digest.ZERO;
    for (int i = items.size() - 1; i >= 0; i--) {
      backward = backward.plus(items.get(i));
    }
    assertEquals(forward, backward);
    assertEquals(digest(oracle), forward);
    Digest d = items.get(0);
    assertNotEquals(Digest.ZERO, d.plus(d), "unlike XOR, x + x is not the empty set's digest");
  }

  @Test
  void anItemsHashIsDeterministicAndDependsOnBothCellAndVersion() {
    Random random = new Random(1);
    CellId cell = Fixtures.randomCell(random);
    CellId other = Fixtures.randomCell(random);
    byte[] version = {1, 2, 3, 4, 5, 6, 7, 8};

    assertEquals(Digest.ofItem(cell, version), Digest.ofItem(cell, version.clone()));
    assertNotEquals(Digest.ofItem(cell, version), Digest.ofItem(other, version), "different cell");
    byte[] changed = version.clone();
    changed[7] ^= 1;
    assertNotEquals(Digest.ofItem(cell, version), Digest.ofItem(cell, changed), "one version bit differs");
    assertNotEquals(Digest.ofItem(cell, version), Digest.ofItem(cell, new byte[] {1, 2, 3, 4, 5, 6, 7}),
        "version is a prefix");
    assertNotEquals(Digest.ofItem(cell, new byte[0]), Digest.ZERO);
  }

  @Test
  void anItemsHashIsSha256OfTheDomainCellAndVersionTruncatedTo128Bits() throws Exception {
    CellId cell = CellId.parse("00112233445566778899aabbccddeeff");
    byte[] version = {9, 8, 7};
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update("lattice item v1".getBytes(StandardCharsets.US_ASCII));
    sha.update(cell.bytes());
    sha.update(version);
    assertEquals(Digest.of(Arrays.copyOf(sha.digest(), Digest.BYTES)), Digest.ofItem(cell, version));
  }

  @Test
  void bytesRoundTripBigEndian() {
    Digest d = digest(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, d.bytes());
    assertEquals(d, Digest.of(d.bytes()));
    assertEquals("0102030405060708090a0b0c0d0e0f10", d.toString());
  }

  @Test
  void ofRejectsAnythingButSixteenBytesSayingSo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digest.of(new byte[15]));
    assertEquals("a digest is 16 bytes, got 15", e.getMessage());
  }

  @Test
  void fingerprintsAreNarrowedToTheirWidthAndDependOnTheSalt() {
    Digest d = digest(0x1234, 0x5678);
    for (int width = 4; width < 8; width++) {
      long fp = d.fingerprint(99, width);
      assertEquals(0, fp >>> (8 * width), "width " + width + " leaves no higher bits");
      assertEquals(d.fingerprint(99, 8) & ((1L << (8 * width)) - 1), fp,
          "a narrower fingerprint is the low bytes of the full one");
    }
    assertEquals(d.fingerprint(1, 8), d.fingerprint(1, 8));
    assertNotEquals(d.fingerprint(1, 8), d.fingerprint(2, 8), "another session, another fingerprint");
  }
}
