package dev.lattice.sync.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the plaintext and metadata: what a space key seals opens to the same bytes, and a single flipped bit
 * anywhere in the sealed bytes or the metadata is detected; a MAC's label and data never run into each other.
 *
 * <p>The seeds are fixed, so every build checks the same cases.
 */
class SpaceKeyProperties {
  private static final SpaceKey KEY =
      SpaceKey.derive("correct horse battery staple".toCharArray(), KdfParams.cheapForTests(new byte[16]));

  @Property(tries = 300, seed = "20261129")
  void sealingThenOpeningGivesThePlaintextBackAndAdds41Bytes(
      @ForAll @Size(max = 2048) byte[] plaintext, @ForAll @Size(max = 256) byte[] associatedData) {
    byte[] sealed = KEY.seal(plaintext, associatedData);

    assertEquals(plaintext.length + 41, sealed.length);
    assertArrayEquals(plaintext, KEY.open(sealed, associatedData));
  }

  @Property(tries = 300, seed = "20261129")
  void flippingAnyBitOfTheSealedBytesOrOfTheMetadataIsDetected(
      @ForAll @Size(max = 512) byte[] plaintext,
      @ForAll @Size(min = 1, max = 64) byte[] associatedData,
      @ForAll boolean inMetadata,
      @ForAll @IntRange(min = 0, max = 1 << 20) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    byte[] sealed = KEY.seal(plaintext, associatedData);
    byte[] target = inMetadata ? associatedData : sealed;
    target[position % target.length] ^= (byte) (1 << bit);

    assertThrows(SealedDataException.class, () -> KEY.open(sealed, associatedData));
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange('\u0020', '\u024f').ofMinLength(1).ofMaxLength(40);
  }

  @Property(tries = 300, seed = "20261129")
  void movingTheBoundaryBetweenLabelAndDataChangesTheMac(
      @ForAll("text") String text, @ForAll @IntRange(min = 0) int i, @ForAll @IntRange(min = 0) int j) {
    int a = i % (text.length() + 1);
    int b = j % (text.length() + 1);
    Assume.that(a != b);

    byte[] first = KEY.mac(text.substring(0, a), text.substring(a).getBytes(UTF_8));
    byte[] second = KEY.mac(text.substring(0, b), text.substring(b).getBytes(UTF_8));

    assertFalse(Arrays.equals(first, second));
  }
}
