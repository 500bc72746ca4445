package dev.lattice.sync.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.merkle.CellIdHasher;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A space key: every device that derives it from the same passphrase and parameters reads what the others sealed and
 * names cells alike; anything else (another passphrase or salt, altered bytes, altered metadata, a closed key) is
 * refused with a clear error, and no key material ever shows.
 */
class SpaceKeyTest {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final KdfParams PARAMS = KdfParams.cheapForTests(filled(16, 0x5a));
  private static final byte[] PLAINTEXT = "notes | pk 42 | title | 'Shopping list'".getBytes(UTF_8);
  /** Stands for a change's metadata: bound to the payload, but readable by the server. */
  private static final byte[] AAD = "site 7 | seq 1204 | hlc 1732200000000.3 | cell 9f86d081".getBytes(UTF_8);

  private static final String FAILED_AUTHENTICATION =
      "failed authentication: a wrong key, or the payload or its metadata were altered";

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static SpaceKey derive(String passphrase) {
    return SpaceKey.derive(passphrase.toCharArray(), PARAMS);
  }

  private static SpaceKey derive(String passphrase, KdfParams params) {
    return SpaceKey.derive(passphrase.toCharArray(), params);
  }

  // ---- The derivation, as SpaceKey's documentation states it, computed from the primitives the KATs check. ----

  private static byte[] rootKey(String passphrase, KdfParams params) {
    return Kdf.argon2id(passphrase.getBytes(UTF_8), params, null, null, 32);
  }

  private static byte[] subkey(String passphrase, String info) {
    return Kdf.hkdfSha256(rootKey(passphrase, PARAMS), null, info.getBytes(US_ASCII), 32);
  }

  private static byte[] documentedMac(byte[] macKey, String label, byte[] data) throws Exception {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(macKey, "HmacSHA256"));
    byte[] labelBytes = label.getBytes(UTF_8);
    hmac.update(ByteBuffer.allocate(4).putInt(labelBytes.length).array());
    hmac.update(labelBytes);
    return hmac.doFinal(data);
  }

  @Test
  void keysAreArgon2idOfTheUtf8PassphraseExpandedByHkdfSha256UnderOneLabelPerPurpose() throws Exception {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);
      assertArrayEquals(PLAINTEXT, SealedBox.open(subkey(PASSPHRASE, "lattice payload v1"), sealed, AAD));

      byte[] keyCheck = key.keyCheck();
      assertEquals(41, keyCheck.length, "version, nonce and tag: the tag alone proves the key");
      assertArrayEquals(new byte[0],
          SealedBox.open(subkey(PASSPHRASE, "lattice key check v1"), keyCheck, "key-check".getBytes(US_ASCII)));

      assertArrayEquals(documentedMac(subkey(PASSPHRASE, "lattice mac v1"), "schema", PLAINTEXT),
          key.mac("schema", PLAINTEXT));

      CellIdHasher documented = CellIdHasher.keyed(subkey(PASSPHRASE, "lattice cell ids v1"));
      byte[] pk = {42};
      assertEquals(documented.cell("notes", pk, "title"), key.cellIds().cell("notes", pk, "title"));
      assertEquals(documented.cell("notes", pk, null), key.cellIds().cell("notes", pk, null));
    }
  }

  @Test
  void sealedDataIsTheVersionByteANonceTheCiphertextAndATag() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);

      assertEquals(1 + 24 + PLAINTEXT.length + 16, sealed.length);
      assertEquals(1, sealed[0]);
      assertEquals(41, key.seal(new byte[0], new byte[0]).length, "an empty plaintext still has a nonce and a tag");
    }
  }

  // ---- Same passphrase, same params: one space. ----

  @Test
  void devicesWithTheSamePassphraseAndParametersNameCellsAlikeAndOpenEachOthersData() {
    try (SpaceKey laptop = derive(PASSPHRASE); SpaceKey phone = derive(PASSPHRASE)) {
      assertEquals(laptop.cellIds().cell("notes", new byte[] {1}, "title"),
          phone.cellIds().cell("notes", new byte[] {1}, "title"));
      assertArrayEquals(PLAINTEXT, phone.open(laptop.seal(PLAINTEXT, AAD), AAD));
      assertArrayEquals(PLAINTEXT, laptop.open(phone.seal(PLAINTEXT, AAD), AAD));
      assertTrue(phone.verifiesKeyCheck(laptop.keyCheck()));
      assertArrayEquals(laptop.mac("schema", PLAINTEXT), phone.mac("schema", PLAINTEXT));
      assertEquals(PARAMS, phone.params());
    }
  }

  @Test
  void cellIdsAreKeyedByTheSpaceAndAreOneInstancePerKey() {
    try (SpaceKey key = derive(PASSPHRASE); SpaceKey other = derive("another passphrase")) {
      assertSame(key.cellIds(), key.cellIds());
      assertTrue(key.cellIds().isKeyed());
      assertNotEquals(CellIdHasher.unkeyed().cell("notes", new byte[] {1}, "title"),
          key.cellIds().cell("notes", new byte[] {1}, "title"));
      assertNotEquals(other.cellIds().cell("notes", new byte[] {1}, "title"),
          key.cellIds().cell("notes", new byte[] {1}, "title"));
    }
  }

  // ---- Another passphrase, salt or cost: another key. ----

  @Test
  void anotherPassphraseCannotOpenTheDataNorPassTheKeyCheck() {
    try (SpaceKey owner = derive(PASSPHRASE); SpaceKey stranger = derive("correct horse battery stapler")) {
      byte[] sealed = owner.seal(PLAINTEXT, AAD);

      SealedDataException e = assertThrows(SealedDataException.class, () -> stranger.open(sealed, AAD));
      assertEquals(FAILED_AUTHENTICATION, e.getMessage());
      assertFalse(stranger.verifiesKeyCheck(owner.keyCheck()));
    }
  }

  @Test
  void anotherSaltGivesAnotherKeyEvenWithTheSamePassphrase() {
    KdfParams otherSalt = KdfParams.cheapForTests(filled(16, 0x5b));
    try (SpaceKey one = derive(PASSPHRASE); SpaceKey other = derive(PASSPHRASE, otherSalt)) {
      byte[] sealed = one.seal(PLAINTEXT, AAD);

      assertThrows(SealedDataException.class, () -> other.open(sealed, AAD));
      assertFalse(other.verifiesKeyCheck(one.keyCheck()));
      assertNotEquals(one.cellIds().cell("t", new byte[] {1}, "c"), other.cellIds().cell("t", new byte[] {1}, "c"));
    }
  }

  @Test
  void anotherMemoryCostOrIterationCountGivesAnotherKey() {
    byte[] salt = PARAMS.salt();
    try (SpaceKey one = derive(PASSPHRASE);
        SpaceKey moreMemory = derive(PASSPHRASE, KdfParams.of(salt, 16, 1, 1));
        SpaceKey morePasses = derive(PASSPHRASE, KdfParams.of(salt, 8, 2, 1))) {
      byte[] keyCheck = one.keyCheck();

      assertFalse(moreMemory.verifiesKeyCheck(keyCheck));
      assertFalse(morePasses.verifiesKeyCheck(keyCheck));
    }
  }

  // ---- Sealing. ----

  @Test
  void sealingTheSamePlaintextTwiceGivesDifferentBytesThatBothOpen() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] first = key.seal(PLAINTEXT, AAD);
      byte[] second = key.seal(PLAINTEXT, AAD);

      assertFalse(Arrays.equals(first, second));
      assertFalse(Arrays.equals(Arrays.copyOfRange(first, 1, 25), Arrays.copyOfRange(second, 1, 25)),
          "each seal draws its own nonce");
      assertArrayEquals(PLAINTEXT, key.open(first, AAD));
      assertArrayEquals(PLAINTEXT, key.open(second, AAD));
    }
  }

  @Test
  void theCallersArraysAreNeitherKeptNorChanged() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] plaintext = PLAINTEXT.clone();
      byte[] aad = AAD.clone();
      byte[] sealed = key.seal(plaintext, aad);
      byte[] sealedCopy = sealed.clone();

      plaintext[0] ^= 1;
      byte[] opened = key.open(sealed, aad);
      opened[0] ^= 1;

      assertArrayEquals(AAD, aad);
      assertArrayEquals(sealedCopy, sealed);
      assertArrayEquals(PLAINTEXT, key.open(sealed, aad));
    }
  }

  @Test
  void changingAnyBitOfSealedDataMakesItFailToOpen() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);

      for (int i = 0; i < sealed.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] tampered = sealed.clone();
          tampered[i] ^= (byte) (1 << bit);
          int at = i;
          SealedDataException e = assertThrows(SealedDataException.class, () -> key.open(tampered, AAD),
              "byte " + i + " bit " + bit);
          if (at > 0) {
            assertEquals(FAILED_AUTHENTICATION, e.getMessage());
          } else {
            assertTrue(e.getMessage().startsWith("sealed data has unknown format version"), e.getMessage());
          }
        }
      }
    }
  }

  @Test
  void changingAnyBitOfTheAssociatedDataMakesTheDataFailToOpen() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);

      for (int i = 0; i < AAD.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] altered = AAD.clone();
          altered[i] ^= (byte) (1 << bit);
          SealedDataException e = assertThrows(SealedDataException.class, () -> key.open(sealed, altered),
              "byte " + i + " bit " + bit);
          assertEquals(FAILED_AUTHENTICATION, e.getMessage());
        }
      }
    }
  }

  @Test
  void associatedDataThatIsShortenedLengthenedOrLeftOutMakesTheDataFailToOpen() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);

      assertThrows(SealedDataException.class, () -> key.open(sealed, Arrays.copyOf(AAD, AAD.length - 1)));
      assertThrows(SealedDataException.class, () -> key.open(sealed, Arrays.copyOf(AAD, AAD.length + 1)));
      assertThrows(SealedDataException.class, () -> key.open(sealed, new byte[0]));
      assertThrows(SealedDataException.class, () -> key.open(key.seal(PLAINTEXT, new byte[0]), AAD));
    }
  }

  @Test
  void sealedDataCutShortAtAnyLengthIsRefusedSayingWhy() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);

      for (int length = 0; length < sealed.length; length++) {
        byte[] truncated = Arrays.copyOf(sealed, length);
        SealedDataException e = assertThrows(SealedDataException.class, () -> key.open(truncated, AAD),
            "length " + length);
        if (length < 41) {
          assertEquals("sealed data is too short: " + length + " bytes, but at least 41 are needed (version byte,"
              + " 24-byte nonce, 16-byte tag)", e.getMessage());
        } else {
          assertEquals(FAILED_AUTHENTICATION, e.getMessage(), "length " + length);
        }
      }
      assertThrows(SealedDataException.class, () -> key.open(Arrays.copyOf(sealed, sealed.length + 1), AAD),
          "a byte appended");
    }
  }

  @Test
  void emptySealedDataIsRefusedAsTooShort() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      SealedDataException e = assertThrows(SealedDataException.class, () -> key.open(new byte[0], AAD));
      assertEquals("sealed data is too short: 0 bytes, but at least 41 are needed (version byte, 24-byte nonce,"
          + " 16-byte tag)", e.getMessage());
    }
  }

  @ParameterizedTest(name = "version {0}")
  @ValueSource(ints = {0, 2, 255})
  void sealedDataOfAnUnknownFormatVersionIsRefusedNamingTheVersion(int version) {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);
      sealed[0] = (byte) version;
      String expected = "sealed data has unknown format version " + version + "; this build reads version 1, so it"
          + " may have been sealed by a newer Lattice";

      assertEquals(expected, assertThrows(SealedDataException.class, () -> key.open(sealed, AAD)).getMessage());
      assertEquals(expected,
          assertThrows(SealedDataException.class, () -> key.open(new byte[] {(byte) version}, AAD)).getMessage(),
          "the version is read before the length is checked");
    }
  }

  @Test
  void failuresNameTheProblemButNeverTheKeyOrThePlaintext() {
    try (SpaceKey key = derive(PASSPHRASE); SpaceKey other = derive("another passphrase")) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);
      String message = assertThrows(SealedDataException.class, () -> other.open(sealed, AAD)).getMessage();

      for (byte[] secret : List.of(subkey(PASSPHRASE, "lattice payload v1"),
          subkey("another passphrase", "lattice payload v1"), PLAINTEXT)) {
        assertFalse(message.contains(HexFormat.of().formatHex(secret)));
        assertFalse(message.contains(Base64.getEncoder().encodeToString(secret)));
      }
      assertFalse(message.contains(new String(PLAINTEXT, UTF_8)));
    }
  }

  // ---- The key check. ----

  @Test
  void aKeyCheckDiffersOnEveryCallAndEachVerifies() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] first = key.keyCheck();
      byte[] second = key.keyCheck();

      assertFalse(Arrays.equals(first, second));
      assertTrue(key.verifiesKeyCheck(first));
      assertTrue(key.verifiesKeyCheck(second));
    }
  }

  @Test
  void aKeyCheckNeverOpensAsAPayloadNorAPayloadAsAKeyCheck() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] keyCheck = key.keyCheck();

      assertThrows(SealedDataException.class, () -> key.open(keyCheck, "key-check".getBytes(US_ASCII)));
      assertThrows(SealedDataException.class, () -> key.open(keyCheck, new byte[0]));
      assertThrows(SealedDataException.class, () -> key.open(keyCheck, AAD));
      byte[] lookalike = key.seal("lattice key check v1".getBytes(US_ASCII), "key-check".getBytes(US_ASCII));
      assertFalse(key.verifiesKeyCheck(lookalike), "a payload sealing the key check's own bytes is not a key check");
    }
  }

  @Test
  void malformedOrAlteredKeyChecksAreFalseRatherThanErrors() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      byte[] keyCheck = key.keyCheck();
      byte[] altered = keyCheck.clone();
      altered[altered.length - 1] ^= 1;
      byte[] newerVersion = keyCheck.clone();
      newerVersion[0] = 2;

      assertFalse(key.verifiesKeyCheck(new byte[0]));
      assertFalse(key.verifiesKeyCheck(Arrays.copyOf(keyCheck, 40)));
      assertFalse(key.verifiesKeyCheck(Arrays.copyOf(keyCheck, keyCheck.length - 1)));
      assertFalse(key.verifiesKeyCheck(altered));
      assertFalse(key.verifiesKeyCheck(newerVersion));
      assertFalse(key.verifiesKeyCheck(new byte[keyCheck.length]));
    }
  }

  // ---- MACs. ----

  @Test
  void aMacIs32BytesAndTheSameForTheSameKeyLabelAndData() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      assertEquals(32, key.mac("schema", PLAINTEXT).length);
      assertArrayEquals(key.mac("schema", PLAINTEXT), key.mac("schema", PLAINTEXT.clone()));
    }
  }

  @Test
  void aMacDiffersPerLabelPerDataAndPerKey() {
    try (SpaceKey key = derive(PASSPHRASE); SpaceKey other = derive("another passphrase")) {
      byte[] mac = key.mac("schema", PLAINTEXT);

      assertFalse(Arrays.equals(mac, key.mac("schema v2", PLAINTEXT)), "per label");
      assertFalse(Arrays.equals(mac, key.mac("schema", AAD)), "per data");
      assertFalse(Arrays.equals(mac, other.mac("schema", PLAINTEXT)), "per key");
    }
  }

  @Test
  void aMacTellsWhereTheLabelEndsAndTheDataBegins() {
    try (SpaceKey key = derive(PASSPHRASE)) {
      assertFalse(Arrays.equals(key.mac("ab", "c".getBytes(UTF_8)), key.mac("a", "bc".getBytes(UTF_8))));
      assertFalse(Arrays.equals(key.mac("", "abc".getBytes(UTF_8)), key.mac("abc", new byte[0])));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"schema\uD800", "\uDC00schema", "sch\uD800ema"})
  void aMacLabelWithAnUnpairedSurrogateIsRefusedRatherThanEncodedAsAQuestionMark(String label) {
    try (SpaceKey key = derive(PASSPHRASE)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> key.mac(label, PLAINTEXT));
      assertEquals("the MAC label is not valid UTF-16: it has an unpaired surrogate", e.getMessage());
    }
  }

  @Test
  void aMacLabelOutsideTheBasicPlaneIsItsUtf8Bytes() throws Exception {
    String label = "schema \uD83D\uDD11 схема";
    try (SpaceKey key = derive(PASSPHRASE)) {
      assertArrayEquals(documentedMac(subkey(PASSPHRASE, "lattice mac v1"), label, PLAINTEXT),
          key.mac(label, PLAINTEXT));
    }
  }

  // ---- No key material shows. ----

  @Test
  void toStringShowsNoKeyMaterialAndIsTheSameForEveryKey() {
    try (SpaceKey key = derive(PASSPHRASE); SpaceKey other = derive("another passphrase")) {
      String shown = key.toString();

      assertEquals(other.toString(), shown, "so it can carry nothing that depends on the key");
      assertFalse(shown.contains(PASSPHRASE));
      byte[] root = rootKey(PASSPHRASE, PARAMS);
      for (byte[] secret : List.of(root, subkey(PASSPHRASE, "lattice payload v1"), subkey(PASSPHRASE, "lattice mac v1"),
          subkey(PASSPHRASE, "lattice key check v1"), subkey(PASSPHRASE, "lattice cell ids v1"))) {
        assertFalse(shown.toLowerCase().contains(HexFormat.of().formatHex(secret)));
        assertFalse(shown.contains(Base64.getEncoder().encodeToString(secret)));
        assertFalse(shown.contains(Arrays.toString(secret)));
      }
      String cellIdKey = HexFormat.of().formatHex(subkey(PASSPHRASE, "lattice cell ids v1"));
      assertFalse(key.cellIds().toString().toLowerCase().contains(cellIdKey));
    }
  }

  // ---- Closing. ----

  @Test
  void closingZeroesTheSubkeys() {
    SpaceKey key = derive(PASSPHRASE);
    assertFalse(key.subkeysAreZeroed());

    key.close();

    assertTrue(key.subkeysAreZeroed());
  }

  @Test
  void everyUseAfterCloseThrowsIllegalStateExceptionButTheParametersRemain() {
    SpaceKey key = derive(PASSPHRASE);
    byte[] sealed = key.seal(PLAINTEXT, AAD);
    byte[] keyCheck = key.keyCheck();
    key.close();

    Map<String, Consumer<SpaceKey>> uses = Map.of(
        "seal", k -> k.seal(PLAINTEXT, AAD),
        "open", k -> k.open(sealed, AAD),
        "keyCheck", SpaceKey::keyCheck,
        "verifiesKeyCheck", k -> k.verifiesKeyCheck(keyCheck),
        "mac", k -> k.mac("schema", PLAINTEXT),
        "cellIds", SpaceKey::cellIds);
    uses.forEach((name, use) -> {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> use.accept(key), name);
      assertEquals("this space key was closed", e.getMessage(), name);
    });
    assertEquals(PARAMS, key.params());
  }

  @Test
  void closingTwiceIsHarmlessAndClosingOneKeyLeavesAnotherOfTheSameSpaceWorking() {
    SpaceKey closed = derive(PASSPHRASE);
    try (SpaceKey open = derive(PASSPHRASE)) {
      byte[] sealed = closed.seal(PLAINTEXT, AAD);
      closed.close();
      closed.close();

      assertArrayEquals(PLAINTEXT, open.open(sealed, AAD));
      assertFalse(open.subkeysAreZeroed());
    }
  }

  // ---- Passphrases. ----

  @Test
  void anEmptyPassphraseIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpaceKey.derive(new char[0], PARAMS));
    assertEquals("the passphrase is empty", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pass\uD800", "\uDC00pass", "pa\uD800ss", "pa\uDC00\uD800ss"})
  void aPassphraseWithAnUnpairedSurrogateIsRefused(String passphrase) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpaceKey.derive(passphrase.toCharArray(), PARAMS));
    assertEquals("the passphrase is not valid UTF-16: it has an unpaired surrogate", e.getMessage());
  }

  @Test
  void aPassphraseOutsideTheBasicPlaneIsItsUtf8Bytes() {
    String passphrase = "key \uD83D\uDD11 ключ 鍵";
    try (SpaceKey key = derive(passphrase)) {
      byte[] sealed = key.seal(PLAINTEXT, AAD);
      assertArrayEquals(PLAINTEXT, SealedBox.open(subkey(passphrase, "lattice payload v1"), sealed, AAD));
    }
  }

  @Test
  void passphrasesAreNotNormalizedSoAComposedAndADecomposedAccentGiveDifferentKeys() {
    try (SpaceKey composed = derive("caf\u00e9"); SpaceKey decomposed = derive("cafe\u0301")) {
      assertFalse(decomposed.verifiesKeyCheck(composed.keyCheck()));
    }
  }

  @Test
  void derivingLeavesTheCallersPassphraseAsItWas() {
    char[] passphrase = PASSPHRASE.toCharArray();

    SpaceKey.derive(passphrase, PARAMS).close();

    assertArrayEquals(PASSPHRASE.toCharArray(), passphrase);
  }

  @Test
  void missingArgumentsAreRefusedByName() {
    char[] passphrase = PASSPHRASE.toCharArray();
    try (SpaceKey key = derive(PASSPHRASE)) {
      List<Map.Entry<String, Runnable>> calls = List.of(
          Map.entry("passphrase", () -> SpaceKey.derive(null, PARAMS)),
          Map.entry("params", () -> SpaceKey.derive(passphrase, null)),
          Map.entry("plaintext", () -> key.seal(null, AAD)),
          Map.entry("associatedData", () -> key.seal(PLAINTEXT, null)),
          Map.entry("sealed", () -> key.open(null, AAD)),
          Map.entry("associatedData", () -> key.open(new byte[41], null)),
          Map.entry("keyCheck", () -> key.verifiesKeyCheck(null)),
          Map.entry("label", () -> key.mac(null, PLAINTEXT)),
          Map.entry("data", () -> key.mac("schema", null)));
      for (Map.Entry<String, Runnable> call : calls) {
        NullPointerException e = assertThrows(NullPointerException.class, call.getValue()::run, call.getKey());
        assertEquals(call.getKey(), e.getMessage());
      }
    }
  }

  // ---- Threads. ----

  @Test
  void severalThreadsSealAndOpenAtOnceEachWithItsOwnNonce() throws Exception {
    int threads = 4;
    int sealsPerThread = 250;
    Set<String> nonces = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (SpaceKey key = derive(PASSPHRASE)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < sealsPerThread; i++) {
            byte[] plaintext = ("thread " + thread + " change " + i).getBytes(UTF_8);
            byte[] aad = ("seq " + i).getBytes(UTF_8);
            byte[] sealed = key.seal(plaintext, aad);
            nonces.add(HexFormat.of().formatHex(sealed, 1, 25));
            assertArrayEquals(plaintext, key.open(sealed, aad));
            assertTrue(key.verifiesKeyCheck(key.keyCheck()));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * sealsPerThread, nonces.size(), "no nonce was drawn twice");
  }

  @Test
  void closingWhileOtherThreadsSealLetsEveryCallEitherFinishWithTheWholeKeyOrFailAsClosed() throws Exception {
    int threads = 4;
    SpaceKey key = derive(PASSPHRASE);
    CountDownLatch warmedUp = new CountDownLatch(threads);
    AtomicBoolean closeReturned = new AtomicBoolean();
    List<byte[]> sealedBeforeClose = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; ; i++) {
            boolean startedAfterClose = closeReturned.get();
            byte[] sealed;
            try {
              sealed = key.seal(PLAINTEXT, AAD);
            } catch (IllegalStateException closed) {
              return null;
            }
            if (startedAfterClose) {
              throw new AssertionError("a seal that started after close returned succeeded");
            }
            sealedBeforeClose.add(sealed);
            if (i == 0) {
              warmedUp.countDown();
            }
          }
        }));
      }
      assertTrue(warmedUp.await(30, TimeUnit.SECONDS));
      key.close();
      closeReturned.set(true);
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    try (SpaceKey sameSpace = derive(PASSPHRASE)) {
      for (byte[] sealed : sealedBeforeClose) {
        assertArrayEquals(PLAINTEXT, sameSpace.open(sealed, AAD), "sealed with the whole key, not a zeroed part");
      }
    }
  }
}
