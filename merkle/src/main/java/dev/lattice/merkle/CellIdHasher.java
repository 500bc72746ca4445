package dev.lattice.merkle;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names cells: HMAC-SHA-256 over (table, primary key, column), truncated to 128 bits.
 *
 * <p>Keyed with a space's secret, equal cells get equal ids on every device of the space while a server that stores
 * only ciphertext learns nothing from the ids beyond equality; it can still build the same tree from metadata.
 * Without a secret ({@link #unkeyed()}) the key is a fixed public constant, for peers that trust each other.
 *
 * <p>The input is unambiguous: each part is length-prefixed, and the row's own cell (column {@code null}) is marked
 * apart from any column name. Instances are immutable and safe to share between threads.
 */
public final class CellIdHasher {
  private static final byte[] PUBLIC_KEY = "lattice cell id v1 (no secret)".getBytes(StandardCharsets.US_ASCII);
  private static final String ALGORITHM = "HmacSHA256";

  /** Shortest secret accepted: 128 bits, the strength of the ids themselves. */
  public static final int MIN_KEY_BYTES = 16;

  private static final CellIdHasher UNKEYED = new CellIdHasher(PUBLIC_KEY);

  private final byte[] key;
  private final ThreadLocal<Mac> mac;

  private CellIdHasher(byte[] key) {
    this.key = key.clone();
    this.mac = ThreadLocal.withInitial(this::newMac);
  }

  /** Ids anyone can compute: for replicas that sync without end-to-end encryption. */
  public static CellIdHasher unkeyed() {
    return UNKEYED;
  }

  /** Ids only holders of {@code secret} can compute, at least {@value #MIN_KEY_BYTES} bytes of key material. */
  public static CellIdHasher keyed(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("a cell id key needs at least " + MIN_KEY_BYTES + " bytes, got "
          + secret.length);
    }
    return new CellIdHasher(secret);
  }

  /**
   * The id of cell ({@code table}, {@code pk}, {@code column}); {@code column} null names the row's own cell.
   * {@code pk} is the key in the caller's canonical byte encoding, the same on every replica.
   */
  public CellId cell(String table, byte[] pk, String column) {
    // Checked before the first update: a failure half-way would leave input in this thread's Mac for the next call.
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(pk, "pk");
    Mac m = mac.get();
    lengthPrefixed(m, table.getBytes(StandardCharsets.UTF_8));
    lengthPrefixed(m, pk);
    if (column == null) {
      m.update((byte) 0);
    } else {
      m.update((byte) 1);
      lengthPrefixed(m, column.getBytes(StandardCharsets.UTF_8));
    }
    byte[] h = m.doFinal();
    return new CellId(Bits.longAt(h, 0), Bits.longAt(h, 8));
  }

  /** True if this hasher was made with a secret. */
  public boolean isKeyed() {
    return !Arrays.equals(key, PUBLIC_KEY);
  }

  private static void lengthPrefixed(Mac m, byte[] bytes) {
    int n = bytes.length;
    m.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    m.update(bytes);
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(new SecretKeySpec(key, ALGORITHM));
      return m;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable cell id key", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform provides " + ALGORITHM, e);
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return isKeyed() ? "CellIdHasher[keyed]" : "CellIdHasher[unkeyed]";
  }
}
