package dev.lattice.sync.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.HKDFParameters;

/** The two key derivation functions of a space, both Bouncy Castle's: Argon2id and HKDF-SHA-256. */
final class Kdf {
  /**
   * Heap that Bouncy Castle's Argon2 takes for each KiB of memory cost: a block is a {@code long[128]} (1 KiB plus an
   * array header) inside an object, referenced from the memory array. An estimate on the generous side.
   */
  static final long HEAP_BYTES_PER_KIB = 1024 + 64;

  private static final long MIB = 1024 * 1024;

  private Kdf() {}

  /**
   * Argon2id version 1.3 (RFC 9106) of {@code password} under {@code params}, {@code length} bytes long.
   * {@code secret} and {@code associatedData} are optional (null); spaces use neither, the RFC's test vector uses both.
   *
   * @throws IllegalArgumentException before allocating anything, if the memory cost exceeds this JVM's maximum heap
   */
  static byte[] argon2id(byte[] password, KdfParams params, byte[] secret, byte[] associatedData, int length) {
    requireHeapFor(params.memoryKiB(), Runtime.getRuntime().maxMemory());
    Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(params.salt())
        .withMemoryAsKB(params.memoryKiB())
        .withIterations(params.iterations())
        .withParallelism(params.parallelism());
    if (secret != null) {
      builder.withSecret(secret);
    }
    if (associatedData != null) {
      builder.withAdditional(associatedData);
    }
    Argon2Parameters argon2 = builder.build();
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(argon2);
      byte[] out = new byte[length];
      generator.generateBytes(password, out);
      return out;
    } finally {
      // The parameters hold their own copy of the secret.
      argon2.clear();
      builder.clear();
    }
  }

  /**
   * Refuses a memory cost that could never fit in a heap of {@code maxHeapBytes}. {@link KdfParams} bounds the cost for
   * every device, but a JVM with a small heap would otherwise fill it block by block and end in an
   * {@link OutOfMemoryError}, which may strike any other thread of the process; parameters chosen by a peer must not
   * be able to do that.
   */
  static void requireHeapFor(int memoryKiB, long maxHeapBytes) {
    long needed = memoryKiB * HEAP_BYTES_PER_KIB;
    if (needed > maxHeapBytes) {
      throw new IllegalArgumentException("memoryKiB was " + memoryKiB + " KiB: Argon2id would need about "
          + (needed + MIB - 1) / MIB + " MiB of heap, but this JVM may use at most " + maxHeapBytes / MIB
          + " MiB; run it with a larger -Xmx, or use a space created with a smaller memory cost");
    }
  }

  /** HKDF-SHA-256 (RFC 5869), extract then expand; a null {@code salt} means HashLen zero bytes, as the RFC says. */
  static byte[] hkdfSha256(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(inputKeyMaterial, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }
}
