package dev.lattice.sync.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The primitives are wired as their specifications say: each check runs the package's own code path on a published
 * test vector, so a wrong class, variant, version or parameter order fails here rather than between two devices.
 *
 * <p>Every expected value is copied from the document named in the test, never printed by this code.
 */
class KnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void sealingIsXChaCha20Poly1305AsInDraftIrtfCfrgXchacha03AppendixA31() {
    // draft-irtf-cfrg-xchacha-03, A.3.1 (AEAD_XChaCha20_Poly1305): Plaintext, AAD, Key, IV, Ciphertext, Tag.
    byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657");
    byte[] aad = hex("50515253c0c1c2c3c4c5c6c7");
    byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] ciphertextAndTag = hex(""
        + "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        + "21f9664c97637da9768812f615c68b13b52e"
        + "c0875924c1c7987947deafd8780acf49");
    byte[] expected = new byte[1 + nonce.length + ciphertextAndTag.length];
    expected[0] = 1;
    System.arraycopy(nonce, 0, expected, 1, nonce.length);
    System.arraycopy(ciphertextAndTag, 0, expected, 1 + nonce.length, ciphertextAndTag.length);

    assertArrayEquals(expected, SealedBox.seal(key, nonce, plaintext, aad), "version 1 | nonce | ciphertext | tag");
    assertArrayEquals(plaintext, SealedBox.open(key, expected, aad));
  }

  @Test
  void passphraseStretchingIsArgon2idVersion13AsInRfc9106Section53() {
    // RFC 9106, 5.3: memory 32 KiB, passes 3, parallelism 4, tag length 32, version 0x13.
    byte[] password = filled(32, 0x01);
    KdfParams params = new KdfParams(filled(16, 0x02), 32, 3, 4);
    byte[] secret = filled(8, 0x03);
    byte[] associatedData = filled(12, 0x04);

    assertArrayEquals(hex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
        Kdf.argon2id(password, params, secret, associatedData, 32));
  }

  @Test
  void subkeysComeFromHkdfSha256AsInRfc5869TestCase1() {
    // RFC 5869, A.1: Hash = SHA-256, L = 42.
    byte[] ikm = filled(22, 0x0b);
    byte[] salt = hex("000102030405060708090a0b0c");
    byte[] info = hex("f0f1f2f3f4f5f6f7f8f9");

    assertArrayEquals(
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        Kdf.hkdfSha256(ikm, salt, info, 42));
  }

  @Test
  void hkdfWithoutSaltUsesHashLenZeroBytesAsInRfc5869TestCase3() {
    // RFC 5869, A.3: salt and info empty, L = 42. Subkeys are derived this way: no salt, since Argon2id already
    // salted the root key (a null salt here is the RFC's "not provided", HashLen zero bytes).
    assertArrayEquals(
        hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
        Kdf.hkdfSha256(filled(22, 0x0b), null, new byte[0], 42));
  }
}
