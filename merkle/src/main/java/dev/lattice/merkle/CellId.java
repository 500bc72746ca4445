package dev.lattice.merkle;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The opaque 128-bit name of a cell: a hash of (table, primary key, column), see {@link CellIdHasher}. Its leading
 * bits are its address in the tree, so cell ids must be uniformly distributed, as hash outputs are.
 *
 * <p>Ordered as an unsigned 128-bit number, which is also tree order.
 */
public final class CellId implements Comparable<CellId> {
  /** Length of a cell id in bytes. */
  public static final int BYTES = 16;

  final long hi;
  final long lo;

  CellId(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  /** The cell id whose big-endian bytes are {@code bytes}, which must be {@value #BYTES} long. */
  public static CellId of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a cell id is " + BYTES + " bytes, got " + bytes.length);
    }
    return new CellId(Bits.longAt(bytes, 0), Bits.longAt(bytes, 8));
  }

  /** The cell id's {@value #BYTES} big-endian bytes. */
  public byte[] bytes() {
    byte[] out = new byte[BYTES];
    Bits.putLong(out, 0, hi);
    Bits.putLong(out, 8, lo);
    return out;
  }

  /** The 4-bit digit at {@code depth} (0 = most significant): which child of its depth-{@code depth} node holds it. */
  int nibble(int depth) {
    return (int) (hi >>> (60 - 4 * depth)) & 0xF;
  }

  @Override
  public int compareTo(CellId other) {
    int c = Long.compareUnsigned(hi, other.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, other.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CellId c && c.hi == hi && c.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 + lo);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }

  /** Parses {@link #toString()}'s 32 hex digits. */
  public static CellId parse(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    return of(Arrays.copyOf(bytes, bytes.length));
  }
}
