package dev.lattice.server.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Making and checking the server's secrets. Secrets are 256 random bits, written base64url; only their SHA-256 is
 * stored, and a presented secret is checked by comparing hashes in constant time, so neither a stolen database nor
 * response timing gives them away. A plain hash is enough: the secrets are random, not passwords, so there is nothing
 * for a slow hash to protect.
 */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private Secrets() {}

  /** A new secret: 256 random bits, 43 base64url characters. */
  static String newToken() {
    return randomBase64url(32);
  }

  /**
   * A new identifier: 128 random bits, 22 base64url characters; unguessable, but not a secret. Never one that starts
   * with '-': people pass ids to commands ({@code lattice revoke <db> <device>}), whose parsers would take it for an
   * option.
   */
  static String newId() {
    String id;
    do {
      id = randomBase64url(16);
    } while (id.charAt(0) == '-');
    return id;
  }

  /** {@code count} random symbols from {@code alphabet}, for codes that people type. */
  static String randomSymbols(String alphabet, int count) {
    StringBuilder code = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      code.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return code.toString();
  }

  /** The SHA-256 of {@code secret}'s UTF-8 bytes: what is stored in its place. */
  static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Whether {@code presented} is the secret whose hash is {@code storedHash}; takes the same time either way. */
  static boolean matches(byte[] storedHash, String presented) {
    return MessageDigest.isEqual(storedHash, hash(presented));
  }

  private static String randomBase64url(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return BASE64URL.encodeToString(random);
  }
}
