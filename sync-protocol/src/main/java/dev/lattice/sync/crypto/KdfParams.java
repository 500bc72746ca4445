package dev.lattice.sync.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Argon2id parameters, stored with the space (they are not secret).
 *
 * <p>Every device of a space must derive with the same parameters, so they travel between peers. A hostile peer could
 * send costs that exhaust memory or time, or a salt too short to be unique, so only bounded values are accepted: the
 * check runs when the record is made, before anything is allocated for Argon2, and names the first value out of range.
 * Make parameters that arrive from a peer or from storage with {@link #of}. The salt is copied on the way in and on
 * the way out.
 *
 * <p>The upper bounds cap what a peer can make a device spend: at most {@value #MAX_MEMORY_KIB} KiB for at most
 * {@value #MAX_ITERATIONS} passes. The lower bounds are Argon2's own minimums, so that tests derive in a millisecond;
 * they are not a security floor. Cheap parameters from a hostile peer do not weaken a space, because a key derived
 * with parameters other than the space's fails the space's key check ({@link SpaceKey#verifiesKeyCheck}), which
 * devices verify before they seal anything under a key they did not create.
 *
 * @param salt random bytes unique to the space, {@value #MIN_SALT_BYTES}..{@value #MAX_SALT_BYTES} bytes
 * @param memoryKiB memory cost in KiB, {@value #MIN_MEMORY_KIB}..{@value #MAX_MEMORY_KIB}, and at least
 *     {@value #MIN_MEMORY_KIB} per lane
 * @param iterations passes over memory, {@value #MIN_ITERATIONS}..{@value #MAX_ITERATIONS}
 * @param parallelism lanes, {@value #MIN_PARALLELISM}..{@value #MAX_PARALLELISM}
 */
public record KdfParams(byte[] salt, int memoryKiB, int iterations, int parallelism) {
  /** Shortest salt accepted: 128 bits. */
  public static final int MIN_SALT_BYTES = 16;
  /** Longest salt accepted. */
  public static final int MAX_SALT_BYTES = 64;
  /** Least memory accepted, per lane as well as in total: Argon2 needs 8 blocks of 1 KiB for each lane. */
  public static final int MIN_MEMORY_KIB = 8;
  /** Most memory accepted: 1 GiB. */
  public static final int MAX_MEMORY_KIB = 1_048_576;
  /** Fewest passes accepted. */
  public static final int MIN_ITERATIONS = 1;
  /** Most passes accepted. */
  public static final int MAX_ITERATIONS = 16;
  /** Fewest lanes accepted. */
  public static final int MIN_PARALLELISM = 1;
  /** Most lanes accepted. */
  public static final int MAX_PARALLELISM = 8;

  private static final int DEFAULT_SALT_BYTES = 16;
  private static final int DEFAULT_MEMORY_KIB = 65_536;
  private static final int DEFAULT_ITERATIONS = 3;
  private static final int DEFAULT_PARALLELISM = 1;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Checks every field against its bounds and copies the salt.
   *
   * @throws NullPointerException if {@code salt} is null
   * @throws IllegalArgumentException naming the first value out of range, and its allowed range
   */
  public KdfParams {
    Objects.requireNonNull(salt, "salt");
    requireInRange("salt length", salt.length, MIN_SALT_BYTES, MAX_SALT_BYTES, " bytes");
    requireInRange("memoryKiB", memoryKiB, MIN_MEMORY_KIB, MAX_MEMORY_KIB, " KiB");
    requireInRange("iterations", iterations, MIN_ITERATIONS, MAX_ITERATIONS, "");
    requireInRange("parallelism", parallelism, MIN_PARALLELISM, MAX_PARALLELISM, "");
    if (memoryKiB < MIN_MEMORY_KIB * parallelism) {
      throw new IllegalArgumentException("memoryKiB was " + memoryKiB + " KiB, allowed " + MIN_MEMORY_KIB * parallelism
          + ".." + MAX_MEMORY_KIB + " KiB with parallelism " + parallelism + " (at least " + MIN_MEMORY_KIB
          + " KiB per lane)");
    }
    salt = salt.clone();
  }

  /**
   * Parameters as received from a peer or read from storage, checked like the constructor's, except that a missing
   * salt is also an {@link IllegalArgumentException}: every bad value a decoder may pass on is reported the same way.
   *
   * @throws IllegalArgumentException naming the first value out of range, and its allowed range
   */
  public static KdfParams of(byte[] salt, int memoryKiB, int iterations, int parallelism) {
    if (salt == null) {
      throw new IllegalArgumentException("salt was missing, allowed " + MIN_SALT_BYTES + ".." + MAX_SALT_BYTES
          + " bytes");
    }
    return new KdfParams(salt, memoryKiB, iterations, parallelism);
  }

  /**
   * Fresh parameters for a new space: a random 16-byte salt, 64 MiB, 3 iterations, 1 lane. This is RFC 9106's second
   * recommended option (section 4) with one lane instead of four: Bouncy Castle fills lanes one after another, so more
   * lanes would not make derivation faster here.
   */
  public static KdfParams generate() {
    byte[] salt = new byte[DEFAULT_SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new KdfParams(salt, DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
  }

  /**
   * The cheapest parameters accepted (8 KiB, 1 iteration, 1 lane), so tests can derive keys in about a millisecond.
   * <b>For tests only:</b> they give a passphrase almost no protection against guessing.
   */
  public static KdfParams cheapForTests(byte[] salt) {
    return new KdfParams(salt, MIN_MEMORY_KIB, MIN_ITERATIONS, MIN_PARALLELISM);
  }

  /** A copy of the salt. */
  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** Equal when every field is, the salt compared by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof KdfParams p
        && Arrays.equals(salt, p.salt)
        && memoryKiB == p.memoryKiB
        && iterations == p.iterations
        && parallelism == p.parallelism;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(salt), memoryKiB, iterations, parallelism);
  }

  /** Shows the salt in hex: it is not secret. */
  @Override
  public String toString() {
    return "KdfParams[salt=" + HexFormat.of().formatHex(salt) + ", memoryKiB=" + memoryKiB + ", iterations="
        + iterations + ", parallelism=" + parallelism + "]";
  }

  private static void requireInRange(String field, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " was " + value + unit + ", allowed " + min + ".." + max + unit);
    }
  }
}
