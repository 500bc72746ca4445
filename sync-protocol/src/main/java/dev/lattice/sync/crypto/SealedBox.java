package dev.lattice.sync.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The sealed-data format, version 1: {@code 0x01 | 24-byte nonce | XChaCha20-Poly1305 ciphertext | 16-byte tag}.
 *
 * <p>The bytes after the version byte are exactly what XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03, section 2.3)
 * outputs for that nonce, preceded by the nonce, so any conforming implementation can open them.
 *
 * <p>The nonce is random: at 192 bits, a space may draw one for every message it will ever seal with no meaningful
 * chance of a repeat, which is why XChaCha20 extends ChaCha20's nonce. The nonce is authenticated implicitly (another
 * nonce gives another Poly1305 key); the version byte is not in the associated data, so a later format must seal under
 * its own subkey (a new HKDF label in {@link SpaceKey}): then data whose version byte was changed fails authentication
 * instead of being read in the other format.
 *
 * <p>Not thread-bound: every call makes its own cipher, so the methods are safe to call from several threads at once.
 * This class checks no key length or state: {@link SpaceKey} owns the keys and guards their lifetime.
 */
final class SealedBox {
  static final byte VERSION = 1;
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  static final int TAG_BYTES = 16;
  static final int HEADER_BYTES = 1 + NONCE_BYTES;
  static final int MIN_SEALED_BYTES = HEADER_BYTES + TAG_BYTES;

  private static final int TAG_BITS = TAG_BYTES * 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SealedBox() {}

  /** Seals {@code plaintext} under {@code key} with a fresh random nonce. */
  static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return seal(key, nonce, plaintext, associatedData);
  }

  /** Seals with the given nonce: only for known-answer tests, since a repeated nonce forfeits all security. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
    XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
    cipher.init(true, parameters(key, nonce, associatedData));
    byte[] sealed = new byte[HEADER_BYTES + cipher.getOutputSize(plaintext.length)];
    sealed[0] = VERSION;
    System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
    int n = cipher.processBytes(plaintext, 0, plaintext.length, sealed, HEADER_BYTES);
    try {
      cipher.doFinal(sealed, HEADER_BYTES + n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("encryption never checks a tag", e);
    }
    return sealed;
  }

  /**
   * Opens what {@link #seal} made under the same key and associated data, or says why it cannot. The format is checked
   * before any cryptography: an empty or unknown-version input is named as such, not as an authentication failure.
   */
  static byte[] open(byte[] key, byte[] sealed, byte[] associatedData) {
    if (sealed.length == 0) {
      throw SealedDataException.tooShort(sealed.length, MIN_SEALED_BYTES);
    }
    if (sealed[0] != VERSION) {
      throw SealedDataException.unknownVersion(Byte.toUnsignedInt(sealed[0]), VERSION);
    }
    if (sealed.length < MIN_SEALED_BYTES) {
      throw SealedDataException.tooShort(sealed.length, MIN_SEALED_BYTES);
    }
    byte[] nonce = Arrays.copyOfRange(sealed, 1, HEADER_BYTES);
    XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
    cipher.init(false, parameters(key, nonce, associatedData));
    int inLength = sealed.length - HEADER_BYTES;
    byte[] plaintext = new byte[cipher.getOutputSize(inLength)];
    try {
      int n = cipher.processBytes(sealed, HEADER_BYTES, inLength, plaintext, 0);
      cipher.doFinal(plaintext, n); // compares the tag in constant time
      return plaintext;
    } catch (InvalidCipherTextException e) {
      // The cipher streams plaintext out before it reaches the tag: leave none of it behind.
      Arrays.fill(plaintext, (byte) 0);
      throw SealedDataException.failedAuthentication();
    }
  }

  private static AEADParameters parameters(byte[] key, byte[] nonce, byte[] associatedData) {
    return new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, associatedData);
  }
}
