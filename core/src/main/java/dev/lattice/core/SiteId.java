package dev.lattice.core;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The identity of one replica: 16 random bytes, created once per database file and kept in it.
 *
 * <p>Site ids order changes that are otherwise tied (same causal length and clock), so they compare as unsigned
 * bytes, the same order SQLite uses for BLOBs.
 */
public final class SiteId implements Comparable<SiteId> {
  /** Length of a site id in bytes. */
  public static final int LENGTH = 16;

  private static final HexFormat HEX = HexFormat.of();
  private final byte[] bytes;

  private SiteId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A site id from its 16 bytes; the array is copied. */
  public static SiteId of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a site id is " + LENGTH + " bytes, was " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    return new SiteId(bytes.clone());
  }

  /** A site id from 32 hex digits, as {@link #toString()} prints it. */
  public static SiteId fromHex(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("a site id is " + 2 * LENGTH + " hex digits, was: " + hex);
    }
    return new SiteId(HEX.parseHex(hex));
  }

  /** A new random site id drawn from {@code random} (pass a {@link java.security.SecureRandom} in production). */
  public static SiteId random(RandomGenerator random) {
    byte[] bytes = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i += 8) {
      long word = random.nextLong();
      for (int j = 0; j < 8; j++) {
        bytes[i + j] = (byte) (word >>> (8 * j));
      }
    }
    return new SiteId(bytes);
  }

  /** A copy of the 16 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public int compareTo(SiteId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SiteId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** 32 lower-case hex digits. */
  @Override
  public String toString() {
    return HEX.formatHex(bytes);
  }
}
