package dev.lattice.sync.crypto;

import dev.lattice.merkle.CellIdHasher;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The keys of one space, derived from its passphrase. Destroy when done.
 *
 * <p>Derivation: Argon2id (version 1.3, no secret, no associated data, {@link KdfParams}) stretches the UTF-8 bytes of
 * the passphrase into a 32-byte root key; HKDF-SHA-256 (RFC 5869, no salt, since Argon2id already salted the root)
 * expands the root into independent 32-byte subkeys, one per purpose, told apart by their ASCII info labels:
 * <ul>
 *   <li>{@value #PAYLOAD_INFO}: seals change payloads ({@link #seal}, {@link #open});
 *   <li>{@value #CELL_IDS_INFO}: keys the {@link CellIdHasher} ({@link #cellIds});
 *   <li>{@value #MAC_INFO}: keys {@link #mac};
 *   <li>{@value #KEY_CHECK_INFO}: seals the key check ({@link #keyCheck}: no plaintext, the associated data
 *       {@code "key-check"}; the tag alone proves the key, in 41 bytes that every hello carries), so a key check never
 *       opens as a payload.
 * </ul>
 * The root key and the UTF-8 passphrase bytes are zeroed as soon as the subkeys exist.
 *
 * <p>All methods are safe to call from several threads at once. {@link #close} zeroes the subkeys and waits for calls
 * in flight, so none of them can use a half-zeroed key. Java cannot promise to erase every copy: Bouncy Castle's
 * per-call cipher objects and the {@link CellIdHasher} hold their own, which only the garbage collector reclaims.
 */
public final class SpaceKey implements AutoCloseable {
  static final String PAYLOAD_INFO = "lattice payload v1";
  static final String CELL_IDS_INFO = "lattice cell ids v1";
  static final String MAC_INFO = "lattice mac v1";
  static final String KEY_CHECK_INFO = "lattice key check v1";

  private static final int ROOT_KEY_BYTES = 32;
  private static final byte[] KEY_CHECK_PLAINTEXT = new byte[0];
  private static final byte[] KEY_CHECK_AAD = ascii("key-check");

  private final KdfParams params;
  private final byte[] payloadKey;
  private final byte[] macKey;
  private final byte[] keyCheckKey;
  private final CellIdHasher cellIds;

  // Read lock: any use of the keys. Write lock: close, which zeroes them.
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private SpaceKey(KdfParams params, byte[] rootKey) {
    this.params = params;
    this.payloadKey = subkey(rootKey, PAYLOAD_INFO);
    this.macKey = subkey(rootKey, MAC_INFO);
    this.keyCheckKey = subkey(rootKey, KEY_CHECK_INFO);
    byte[] cellIdKey = subkey(rootKey, CELL_IDS_INFO);
    try {
      this.cellIds = CellIdHasher.keyed(cellIdKey);
    } finally {
      Arrays.fill(cellIdKey, (byte) 0); // the hasher keeps its own copy
    }
  }

  /**
   * Derives the keys of the space with {@code passphrase} and {@code params}; takes as long as the parameters make it.
   *
   * <p>The passphrase is encoded as UTF-8 exactly as given, without Unicode normalization: devices that accept typed
   * passphrases should normalize them (NFC) first, or the same words typed on two keyboards may derive different keys.
   * The caller's array is left as it was; clear it when it is no longer needed.
   *
   * @throws IllegalArgumentException if the passphrase is empty or is not valid UTF-16 (an unpaired surrogate), or
   *     if the memory cost of {@code params} exceeds this JVM's maximum heap (checked before Argon2 allocates any)
   */
  public static SpaceKey derive(char[] passphrase, KdfParams params) {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(params, "params");
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    byte[] password = utf8(passphrase);
    byte[] rootKey = null;
    try {
      rootKey = Kdf.argon2id(password, params, null, null, ROOT_KEY_BYTES);
      return new SpaceKey(params, rootKey);
    } finally {
      Arrays.fill(password, (byte) 0);
      if (rootKey != null) {
        Arrays.fill(rootKey, (byte) 0);
      }
    }
  }

  /** The parameters the keys were derived with; available after {@link #close}, as they are not secret. */
  public KdfParams params() {
    return params;
  }

  /** Names cells with a key only this space's devices hold; the same instance on every call. */
  public CellIdHasher cellIds() {
    return whileOpen(() -> cellIds);
  }

  /**
   * Encrypts and authenticates {@code plaintext}, and authenticates {@code associatedData} without encrypting it.
   * Returns {@code version 1 | 24-byte random nonce | ciphertext | 16-byte tag}; each call draws a fresh nonce, so
   * sealing the same plaintext twice gives different bytes.
   *
   * @param associatedData what must travel in the clear but may not be altered, such as a change's metadata; empty
   *     for none. {@link #open} needs exactly the same bytes.
   */
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    return whileOpen(() -> SealedBox.seal(payloadKey, plaintext, associatedData));
  }

  /**
   * Returns the plaintext of what {@link #seal} made with this space's key and the same associated data.
   *
   * @throws SealedDataException if {@code sealed} is too short, has an unknown format version, or fails
   *     authentication: it was sealed under another key, or it or its associated data were altered
   */
  public byte[] open(byte[] sealed, byte[] associatedData) throws SealedDataException {
    Objects.requireNonNull(sealed, "sealed");
    Objects.requireNonNull(associatedData, "associatedData");
    return whileOpen(() -> SealedBox.open(payloadKey, sealed, associatedData));
  }

  /**
   * A value to store with the space that proves a later derivation used the same passphrase, before anything sealed
   * is applied: see {@link #verifiesKeyCheck}. It differs on every call and reveals nothing about the key beyond
   * what any sealed payload does: whoever holds it can test passphrase guesses offline, one Argon2id derivation per
   * guess, which is what the {@link KdfParams} costs are for.
   */
  public byte[] keyCheck() {
    return whileOpen(() -> SealedBox.seal(keyCheckKey, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD));
  }

  /**
   * True if {@code keyCheck} came from {@link #keyCheck} of a key derived from the same passphrase and parameters;
   * false for any other bytes, including malformed ones.
   */
  public boolean verifiesKeyCheck(byte[] keyCheck) {
    Objects.requireNonNull(keyCheck, "keyCheck");
    return whileOpen(() -> {
      try {
        byte[] opened = SealedBox.open(keyCheckKey, keyCheck, KEY_CHECK_AAD);
        return org.bouncycastle.util.Arrays.constantTimeAreEqual(opened, KEY_CHECK_PLAINTEXT);
      } catch (SealedDataException e) {
        return false;
      }
    });
  }

  /**
   * HMAC-SHA-256 under the space's MAC subkey over {@code label} and {@code data}: 32 bytes that only this space's
   * devices can compute, such as a keyed fingerprint of a schema. The input is the label's UTF-8 length as 4 bytes
   * big-endian, the label, then the data, so no (label, data) pair collides with another. To check a MAC received
   * from elsewhere, compare in constant time ({@link java.security.MessageDigest#isEqual}).
   *
   * @throws IllegalArgumentException if the label is not valid UTF-16 (an unpaired surrogate), which UTF-8 could only
   *     encode by replacing it, so that two labels would share one MAC
   */
  public byte[] mac(String label, byte[] data) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(data, "data");
    byte[] labelBytes = utf8(label);
    return whileOpen(() -> {
      HMac hmac = new HMac(new SHA256Digest());
      hmac.init(new KeyParameter(macKey));
      int n = labelBytes.length;
      hmac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}, 0, 4);
      hmac.update(labelBytes, 0, n);
      hmac.update(data, 0, data.length);
      byte[] out = new byte[hmac.getMacSize()];
      hmac.doFinal(out, 0);
      return out;
    });
  }

  /** Never shows key material. */
  @Override
  public String toString() {
    return "SpaceKey[redacted]";
  }

  /** Zeroes the subkeys; every later use but {@link #params} throws {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    Lock write = lock.writeLock();
    write.lock();
    try {
      closed = true;
      Arrays.fill(payloadKey, (byte) 0);
      Arrays.fill(macKey, (byte) 0);
      Arrays.fill(keyCheckKey, (byte) 0);
    } finally {
      write.unlock();
    }
  }

  /**
   * For tests: whether the subkeys this object holds (payload, MAC, key check) are all zeroes. The cell-id key is the
   * {@link CellIdHasher}'s own copy, which it cannot erase.
   */
  boolean subkeysAreZeroed() {
    Lock read = lock.readLock();
    read.lock();
    try {
      return isZero(payloadKey) && isZero(macKey) && isZero(keyCheckKey);
    } finally {
      read.unlock();
    }
  }

  private <T> T whileOpen(Supplier<T> use) {
    Lock read = lock.readLock();
    read.lock();
    try {
      if (closed) {
        throw new IllegalStateException("this space key was closed");
      }
      return use.get();
    } finally {
      read.unlock();
    }
  }

  private static byte[] subkey(byte[] rootKey, String info) {
    // No salt: the root key is already uniformly random and salted by Argon2id (RFC 5869, section 3.1).
    return Kdf.hkdfSha256(rootKey, null, ascii(info), SealedBox.KEY_BYTES);
  }

  private static byte[] utf8(char[] passphrase) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Sized for the worst case, so the encoder never outgrows a buffer and leaves passphrase bytes behind in it.
    ByteBuffer out = ByteBuffer.allocate(passphrase.length * (int) encoder.maxBytesPerChar());
    try {
      CoderResult result = encoder.encode(CharBuffer.wrap(passphrase), out, true);
      if (result.isUnderflow()) {
        result = encoder.flush(out);
      }
      if (!result.isUnderflow()) {
        throw new IllegalArgumentException("the passphrase is not valid UTF-16: it has an unpaired surrogate");
      }
      return Arrays.copyOf(out.array(), out.position());
    } finally {
      Arrays.fill(out.array(), (byte) 0);
    }
  }

  private static byte[] utf8(String label) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer encoded = encoder.encode(CharBuffer.wrap(label));
      return Arrays.copyOf(encoded.array(), encoded.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the MAC label is not valid UTF-16: it has an unpaired surrogate");
    }
  }

  private static boolean isZero(byte[] bytes) {
    int or = 0;
    for (byte b : bytes) {
      or |= b;
    }
    return or == 0;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
