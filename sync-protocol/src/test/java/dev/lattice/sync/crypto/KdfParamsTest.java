package dev.lattice.sync.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Argon2id parameters arrive from peers, so only bounded values are accepted, refused as the record is made (before
 * Argon2 allocates anything) with the field, its value and its allowed range; and the salt cannot change afterwards.
 */
class KdfParamsTest {
  private static final byte[] SALT = salt(16, 7);

  private static byte[] salt(int length, int value) {
    byte[] salt = new byte[length];
    Arrays.fill(salt, (byte) value);
    return salt;
  }

  @Test
  void generateUsesTheDocumentedDefaultsOf64MiB3IterationsAnd1Lane() {
    KdfParams generated = KdfParams.generate();

    assertEquals(16, generated.salt().length);
    assertEquals(65_536, generated.memoryKiB());
    assertEquals(3, generated.iterations());
    assertEquals(1, generated.parallelism());
  }

  @Test
  void generateDrawsAFreshRandom16ByteSaltForEverySpace() {
    Set<String> salts = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      byte[] salt = KdfParams.generate().salt();
      assertEquals(16, salt.length);
      salts.add(HexFormat.of().formatHex(salt));
    }

    assertEquals(200, salts.size(), "two spaces share a salt");
    assertFalse(salts.contains("00".repeat(16)));
  }

  @Test
  void cheapForTestsUsesTheLeastCostAllowed() {
    KdfParams cheap = KdfParams.cheapForTests(SALT);

    assertArrayEquals(SALT, cheap.salt());
    assertEquals(new KdfParams(SALT, 8, 1, 1), cheap);
  }

  @Test
  void everyBoundIsInclusive() {
    assertDoesNotThrow(() -> new KdfParams(salt(16, 1), 8, 1, 1));
    assertDoesNotThrow(() -> new KdfParams(salt(64, 1), 1_048_576, 16, 8));
    assertDoesNotThrow(() -> new KdfParams(salt(16, 1), 64, 1, 8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      salt of 15 bytes       | 15 | 8       | 1  | 1 | salt length was 15 bytes, allowed 16..64 bytes
      salt of 65 bytes       | 65 | 8       | 1  | 1 | salt length was 65 bytes, allowed 16..64 bytes
      memory below 8 KiB     | 16 | 7       | 1  | 1 | memoryKiB was 7 KiB, allowed 8..1048576 KiB
      memory above 1 GiB     | 16 | 1048577 | 1  | 1 | memoryKiB was 1048577 KiB, allowed 8..1048576 KiB
      no iterations          | 16 | 8       | 0  | 1 | iterations was 0, allowed 1..16
      17 iterations          | 16 | 8       | 17 | 1 | iterations was 17, allowed 1..16
      no lanes               | 16 | 8       | 1  | 0 | parallelism was 0, allowed 1..8
      9 lanes                | 16 | 72      | 1  | 9 | parallelism was 9, allowed 1..8
      under 8 KiB per lane   | 16 | 31      | 1  | 4 | memoryKiB was 31 KiB, allowed 32..1048576 KiB with parallelism 4 (at least 8 KiB per lane)
      """)
  void eachOutOfRangeFieldIsRejectedNamingItsValueAndRange(
      String condition, int saltBytes, int memoryKiB, int iterations, int parallelism, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new KdfParams(salt(saltBytes, 1), memoryKiB, iterations, parallelism));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      1 TiB of memory            | 16 | 1073741824  | 1       | 1       | memoryKiB was 1073741824 KiB, allowed 8..1048576 KiB
      the largest int of memory  | 16 | 2147483647  | 1       | 1       | memoryKiB was 2147483647 KiB, allowed 8..1048576 KiB
      negative memory            | 16 | -1          | 1       | 1       | memoryKiB was -1 KiB, allowed 8..1048576 KiB
      a million iterations       | 16 | 8           | 1000000 | 1       | iterations was 1000000, allowed 1..16
      negative iterations        | 16 | 8           | -3      | 1       | iterations was -3, allowed 1..16
      the smallest int of lanes  | 16 | 8           | 1       | -2147483648 | parallelism was -2147483648, allowed 1..8
      a million lanes            | 16 | 8           | 1       | 1000000 | parallelism was 1000000, allowed 1..8
      a megabyte of salt         | 1048576 | 8    | 1       | 1       | salt length was 1048576 bytes, allowed 16..64 bytes
      an empty salt              | 0  | 8           | 1       | 1       | salt length was 0 bytes, allowed 16..64 bytes
      every cost hostile at once | 16 | 1073741824  | 1000000 | 1000000 | memoryKiB was 1073741824 KiB, allowed 8..1048576 KiB
      """)
  void hostileValuesFromAPeerAreRefusedByOfNamingTheFirstInFieldOrder(
      String condition, int saltBytes, int memoryKiB, int iterations, int parallelism, String message) {
    byte[] salt = salt(saltBytes, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KdfParams.of(salt, memoryKiB, iterations, parallelism));
    assertEquals(message, e.getMessage());
  }

  @Test
  void ofAcceptsWhatTheConstructorAccepts() {
    assertEquals(new KdfParams(SALT, 65_536, 3, 1), KdfParams.of(SALT, 65_536, 3, 1));
    assertEquals(KdfParams.cheapForTests(SALT), KdfParams.of(SALT, 8, 1, 1));
    assertEquals(new KdfParams(salt(64, 1), 1_048_576, 16, 8), KdfParams.of(salt(64, 1), 1_048_576, 16, 8));
  }

  @Test
  void ofReportsAMissingSaltAsABadValueLikeAnyOther() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KdfParams.of(null, 8, 1, 1));
    assertEquals("salt was missing, allowed 16..64 bytes", e.getMessage());
  }

  @Test
  void aMemoryCostWithinBoundsButBeyondThisJvmsHeapIsRefusedBeforeArgon2AllocatesIt() {
    long heap512MiB = 512L * 1024 * 1024;

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kdf.requireHeapFor(KdfParams.MAX_MEMORY_KIB, heap512MiB));
    assertEquals("memoryKiB was 1048576 KiB: Argon2id would need about 1088 MiB of heap, but this JVM may use at"
        + " most 512 MiB; run it with a larger -Xmx, or use a space created with a smaller memory cost",
        e.getMessage());
    assertDoesNotThrow(() -> Kdf.requireHeapFor(65_536, heap512MiB));
    assertDoesNotThrow(() -> Kdf.requireHeapFor(KdfParams.MAX_MEMORY_KIB, Long.MAX_VALUE), "no -Xmx limit");
  }

  @Test
  void aMissingSaltIsRejectedByName() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> new KdfParams(null, 8, 1, 1));
    assertEquals("salt", e.getMessage());
  }

  @Test
  void theSaltIsCopiedOnTheWayInAndOnTheWayOut() {
    byte[] given = salt(16, 1);
    KdfParams params = KdfParams.cheapForTests(given);

    given[0] = 99;
    params.salt()[1] = 99;

    assertArrayEquals(salt(16, 1), params.salt());
  }

  @Test
  void equalityAndHashCodeCompareTheSaltByContent() {
    KdfParams a = new KdfParams(salt(16, 1), 64, 2, 1);
    KdfParams b = new KdfParams(salt(16, 1), 64, 2, 1);

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new KdfParams(salt(16, 2), 64, 2, 1));
    assertNotEquals(a, new KdfParams(salt(16, 1), 128, 2, 1));
    assertNotEquals(a, new KdfParams(salt(16, 1), 64, 3, 1));
    assertNotEquals(a, new KdfParams(salt(16, 1), 64, 2, 2));
  }

  @Test
  void toStringShowsTheSaltInHex() {
    assertEquals("KdfParams[salt=" + "07".repeat(16) + ", memoryKiB=8, iterations=1, parallelism=1]",
        KdfParams.cheapForTests(SALT).toString());
  }
}
