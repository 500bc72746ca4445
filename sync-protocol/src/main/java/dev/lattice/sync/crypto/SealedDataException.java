package dev.lattice.sync.crypto;

/**
 * Sealed data could not be opened: it is malformed, in an unknown format, or fails authentication.
 *
 * <p>Authentication failure cannot tell a wrong key from tampering, so its message names both. Messages never contain
 * key material or plaintext. Unchecked, because every caller's response is the same: reject the payload whole and
 * apply nothing from it.
 */
public final class SealedDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private SealedDataException(String message) {
    super(message);
  }

  static SealedDataException tooShort(int length, int minimum) {
    return new SealedDataException("sealed data is too short: " + length + " bytes, but at least " + minimum
        + " are needed (version byte, 24-byte nonce, 16-byte tag)");
  }

  static SealedDataException unknownVersion(int version, int supported) {
    return new SealedDataException("sealed data has unknown format version " + version + "; this build reads version "
        + supported + ", so it may have been sealed by a newer Lattice");
  }

  static SealedDataException failedAuthentication() {
    return new SealedDataException(
        "failed authentication: a wrong key, or the payload or its metadata were altered");
  }
}
