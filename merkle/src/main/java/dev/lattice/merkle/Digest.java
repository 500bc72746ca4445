package dev.lattice.merkle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A 128-bit value summed modulo 2^128: the hash of one item, or the digest of a set of items as the sum of their
 * hashes. A sum, unlike XOR, does not let a repeated item cancel itself out, and it lets a node's digest be updated
 * by subtracting an item's old hash and adding its new one, in any order.
 */
public final class Digest {
  /** The digest of the empty set. */
  public static final Digest ZERO = new Digest(0, 0);

  /** Length of a digest in bytes. */
  public static final int BYTES = 16;

  private static final byte[] DOMAIN = "lattice item v1".getBytes(StandardCharsets.US_ASCII);

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  });

  final long hi;
  final long lo;

  Digest(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * The hash of one item: SHA-256 over the cell id and the version's bytes, truncated to 128 bits. Two items are
   * the same item exactly when cell id and version bytes are equal.
   */
  public static Digest ofItem(CellId cell, byte[] version) {
    MessageDigest sha = SHA256.get();
    sha.update(DOMAIN);
    sha.update(cell.bytes());
    sha.update(version);
    byte[] h = sha.digest();
    return new Digest(Bits.longAt(h, 0), Bits.longAt(h, 8));
  }

  /** The digest whose big-endian bytes are {@code bytes}, which must be {@value #BYTES} long. */
  public static Digest of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a digest is " + BYTES + " bytes, got " + bytes.length);
    }
    return new Digest(Bits.longAt(bytes, 0), Bits.longAt(bytes, 8));
  }

  /** This plus {@code other}, modulo 2^128. */
  public Digest plus(Digest other) {
    return add(hi, lo, other.hi, other.lo);
  }

  /** This minus {@code other}, modulo 2^128. */
  public Digest minus(Digest other) {
    // a - b = a + (~b + 1), the two's complement of b over 128 bits
    long nlo = -other.lo;
    long nhi = ~other.hi + (other.lo == 0 ? 1 : 0);
    return add(hi, lo, nhi, nlo);
  }

  static Digest add(long ahi, long alo, long bhi, long blo) {
    long lo = alo + blo;
    long carry = Long.compareUnsigned(lo, alo) < 0 ? 1 : 0;
    return new Digest(ahi + bhi + carry, lo);
  }

  /** The digest's {@value #BYTES} big-endian bytes. */
  public byte[] bytes() {
    byte[] out = new byte[BYTES];
    Bits.putLong(out, 0, hi);
    Bits.putLong(out, 8, lo);
    return out;
  }

  /** A short, salted fingerprint of this digest, {@code width} bytes of it as a long (for session messages). */
  long fingerprint(long salt, int width) {
    long f = Bits.mix(hi ^ Bits.mix(lo ^ salt));
    return width >= 8 ? f : f & ((1L << (8 * width)) - 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.hi == hi && d.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi ^ lo);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }
}
