package dev.lattice.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Limits that cannot work are refused when made, with the rule they break. */
class ReconcileLimitsTest {
  private static final ReconcileLimits DEFAULT = ReconcileLimits.DEFAULT;

  private static void assertRejected(String message, Executable make) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, make).getMessage());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertEquals(new ReconcileLimits(4, 32, 1 << 20, 1 << 18, 64), DEFAULT);
  }

  @Test
  void fingerprintsAreFourToEightBytes() {
    assertRejected("fingerprintBytes is 4 to 8, was 3", () -> DEFAULT.withFingerprintBytes(3));
    assertRejected("fingerprintBytes is 4 to 8, was 9", () -> DEFAULT.withFingerprintBytes(9));
    assertEquals(8, DEFAULT.withFingerprintBytes(8).fingerprintBytes());
  }

  @Test
  void leavesHoldOneTo4096Items() {
    assertRejected("leafItems is 1 to 4096, was 0", () -> DEFAULT.withLeafItems(0));
    assertRejected("leafItems is 1 to 4096, was 4097", () -> DEFAULT.withLeafItems(4097));
    assertEquals(4096, DEFAULT.withLeafItems(4096).leafItems());
  }

  @Test
  void aMessageMustHoldAtLeastAFullLeafAndNeverLessThan512Bytes() {
    assertRejected("maxMessageBytes must hold a leaf of 32 items (512 bytes), was 511",
        () -> DEFAULT.withMaxMessageBytes(511));
    assertEquals(512, DEFAULT.withMaxMessageBytes(512).maxMessageBytes());
    // 4,096 items of 8 bytes: 64 + 16 + 32,768
    assertRejected("maxMessageBytes must hold a leaf of 4096 items (32848 bytes), was 32847",
        () -> new ReconcileLimits(8, 4096, 32_847, 4096, 64));
    assertEquals(32_848, new ReconcileLimits(8, 4096, 32_848, 4096, 64).maxMessageBytes());
  }

  @Test
  void aMessageMustHoldAtLeastOneLeafOfItems() {
    assertRejected("maxItemsPerMessage must be at least leafItems (32), was 31",
        () -> DEFAULT.withMaxItemsPerMessage(31));
  }

  @Test
  void aSessionNeedsAtLeastTwoMessages() {
    assertRejected("maxMessages must be at least 2, was 1", () -> DEFAULT.withMaxMessages(1));
    assertRejected("maxMessages must be at least 2, was -5", () -> DEFAULT.withMaxMessages(-5));
  }

  @Test
  void withersChangeOneKnobOnly() {
    assertEquals(new ReconcileLimits(5, 16, 4096, 100, 10), DEFAULT.withFingerprintBytes(5).withLeafItems(16)
        .withMaxMessageBytes(4096).withMaxItemsPerMessage(100).withMaxMessages(10));
  }
}
