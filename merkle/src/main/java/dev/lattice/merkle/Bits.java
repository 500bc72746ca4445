package dev.lattice.merkle;

/** Big-endian longs in byte arrays, and the mixing function behind session fingerprints. */
final class Bits {
  private Bits() {}

  static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }

  static void putLong(byte[] b, int offset, long v) {
    for (int i = 7; i >= 0; i--) {
      b[offset + i] = (byte) v;
      v >>>= 8;
    }
  }

  /**
   * MurmurHash3's 64-bit finaliser: a bijection whose output bits each depend on every input bit. Fingerprints need
   * nothing stronger, because their inputs are already SHA-256 outputs and a per-session salt varies which bits remain.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
