package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Cell ids name (table, primary key, column) unambiguously, and keyed ids are unlinkable without the key. */
class CellIdHasherTest {
  private static final byte[] PK = {0, 0, 0, 0, 0, 0, 0, 42};
  private static final byte[] SECRET = "space secret: 0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static final CellIdHasher UNKEYED = CellIdHasher.unkeyed();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The documented layout, computed here independently: every replica and server must produce exactly these ids. */
  private static CellId documentedId(byte[] key, String table, byte[] pk, String column) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    ByteBuffer input = ByteBuffer.allocate(1024);
    input.putInt(utf8(table).length).put(utf8(table)).putInt(pk.length).put(pk);
    if (column == null) {
      input.put((byte) 0);
    } else {
      input.put((byte) 1).putInt(utf8(column).length).put(utf8(column));
    }
    mac.update(input.array(), 0, input.position());
    return CellId.of(Arrays.copyOf(mac.doFinal(), CellId.BYTES));
  }

  @Test
  void anIdIsTheHmacSha256OfTheLengthPrefixedPartsTruncatedTo128Bits() throws Exception {
    byte[] publicKey = "lattice cell id v1 (no secret)".getBytes(StandardCharsets.US_ASCII);
    assertEquals(documentedId(publicKey, "notes", PK, "title"), UNKEYED.cell("notes", PK, "title"));
    assertEquals(documentedId(publicKey, "notes", PK, null), UNKEYED.cell("notes", PK, null));
    assertEquals(documentedId(publicKey, "", new byte[0], ""), UNKEYED.cell("", new byte[0], ""));
    assertEquals(documentedId(SECRET, "tablé", PK, "cöl"), CellIdHasher.keyed(SECRET).cell("tablé", PK, "cöl"));
  }

  @Test
  void theSameCellAlwaysGetsTheSameId() {
    CellId first = UNKEYED.cell("notes", PK, "title");
    assertEquals(first, UNKEYED.cell("notes", PK.clone(), "title"));
    assertEquals(first, CellIdHasher.unkeyed().cell("notes", PK, "title"));
    assertEquals(CellIdHasher.keyed(SECRET).cell("notes", PK, "title"),
        CellIdHasher.keyed(SECRET.clone()).cell("notes", PK, "title"), "two hashers made with one secret agree");
  }

  @Test
  void theSameCellGetsTheSameIdOnEveryThread() throws Exception {
    CellIdHasher keyed = CellIdHasher.keyed(SECRET);
    CellId expected = keyed.cell("t", PK, "c");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Set<CellId> seen = new HashSet<>();
      Callable<CellId> task = () -> keyed.cell("t", PK, "c");
      for (Future<CellId> f : pool.invokeAll(Collections.nCopies(16, task))) {
        seen.add(f.get());
      }
      assertEquals(Set.of(expected), seen);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void movingBytesAcrossTheTablePrimaryKeyBoundaryChangesTheId() {
    assertNotEquals(UNKEYED.cell("ab", utf8("c"), "x"), UNKEYED.cell("a", utf8("bc"), "x"));
  }

  @Test
  void movingBytesAcrossThePrimaryKeyColumnBoundaryChangesTheId() {
    assertNotEquals(UNKEYED.cell("t", utf8("ab"), "c"), UNKEYED.cell("t", utf8("a"), "bc"));
  }

  @Test
  void theRowsOwnCellIsNotTheEmptyColumnName() {
    assertNotEquals(UNKEYED.cell("t", PK, null), UNKEYED.cell("t", PK, ""));
  }

  @Test
  void everyPartOfTheNameCounts() {
    Set<CellId> ids = new HashSet<>();
    ids.add(UNKEYED.cell("t", PK, "c"));
    ids.add(UNKEYED.cell("u", PK, "c"));
    ids.add(UNKEYED.cell("t", new byte[] {0, 0, 0, 0, 0, 0, 0, 43}, "c"));
    ids.add(UNKEYED.cell("t", PK, "d"));
    ids.add(UNKEYED.cell("t", PK, null));
    ids.add(UNKEYED.cell("t", new byte[0], "c"));
    assertEquals(6, ids.size());
  }

  @Test
  void keyedIdsDifferFromUnkeyedOnesAndBetweenKeys() {
    byte[] otherSecret = SECRET.clone();
    otherSecret[0] ^= 1;
    CellId unkeyed = UNKEYED.cell("t", PK, "c");
    CellId keyed = CellIdHasher.keyed(SECRET).cell("t", PK, "c");
    CellId otherKey = CellIdHasher.keyed(otherSecret).cell("t", PK, "c");
    assertNotEquals(unkeyed, keyed);
    assertNotEquals(keyed, otherKey);
    assertNotEquals(unkeyed, otherKey);
  }

  @Test
  void aKeyShorterThanSixteenBytesIsRejectedNamingTheMinimum() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CellIdHasher.keyed(new byte[CellIdHasher.MIN_KEY_BYTES - 1]));
    assertEquals("a cell id key needs at least 16 bytes, got 15", e.getMessage());
    assertTrue(CellIdHasher.keyed(new byte[CellIdHasher.MIN_KEY_BYTES]).isKeyed(), "16 bytes are enough");
    assertThrows(NullPointerException.class, () -> CellIdHasher.keyed(null));
  }

  @Test
  void changingTheCallersSecretArrayAfterwardsDoesNotChangeTheIds() {
    byte[] secret = SECRET.clone();
    CellIdHasher hasher = CellIdHasher.keyed(secret);
    CellId before = hasher.cell("t", PK, "c");
    Arrays.fill(secret, (byte) 0);
    assertEquals(before, hasher.cell("t", PK, "c"));
  }

  @Test
  void toStringSaysWhetherItIsKeyedButNeverShowsTheKey() {
    CellIdHasher keyed = CellIdHasher.keyed(SECRET);
    String shown = keyed.toString();
    assertEquals("CellIdHasher[keyed]", shown);
    assertEquals("CellIdHasher[unkeyed]", UNKEYED.toString());
    assertFalse(UNKEYED.isKeyed());
    String secret = new String(SECRET, StandardCharsets.US_ASCII);
    for (String form : new String[] {secret, secret.substring(0, 8), HexFormat.of().formatHex(SECRET).substring(0, 8),
        Arrays.toString(SECRET).substring(1, 12)}) {
      assertFalse(shown.contains(form), form);
    }
  }

  @Test
  void aNullPrimaryKeyIsRejectedAndDoesNotCorruptLaterIdsOnTheSameThread() {
    CellId expected = UNKEYED.cell("t", PK, "c");
    NullPointerException e = assertThrows(NullPointerException.class, () -> UNKEYED.cell("t", null, "c"));
    assertEquals("pk", e.getMessage());
    assertThrows(NullPointerException.class, () -> UNKEYED.cell(null, PK, "c"));
    assertEquals(expected, UNKEYED.cell("t", PK, "c"), "the id of the next cell hashed on this thread");
  }
}
