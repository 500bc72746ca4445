package dev.lattice.merkle;

/**
 * The knobs of a {@link Reconciliation}, checked when made.
 *
 * @param fingerprintBytes bytes of each child-node and item fingerprint in messages, 4 to 8. Fingerprints are salted
 *     per session, so a collision (2^-32 per comparison at 4 bytes) hides a difference for one session only, and the
 *     full 128-bit roots compared afterwards show it: the caller reconciles again with a fresh salt
 * @param leafItems a differing node with at most this many items is answered with its items' fingerprints instead
 *     of its children's summaries
 * @param maxMessageBytes the largest message this side sends or accepts
 * @param maxItemsPerMessage the most item fingerprints this side lists in one message
 * @param maxMessages the most messages a session may take, both ways together, before it fails as not progressing
 */
public record ReconcileLimits(
    int fingerprintBytes, int leafItems, int maxMessageBytes, int maxItemsPerMessage, int maxMessages) {
  /**
   * Defaults: 4-byte fingerprints, leaves of 32 items, messages up to 1 MiB and 262,144 item fingerprints (as many as
   * 1 MiB holds), 64 messages.
   */
  public static final ReconcileLimits DEFAULT = new ReconcileLimits(4, 32, 1 << 20, 1 << 18, 64);

  /** Smallest message cap: room for a header and one full node entry. */
  static final int MIN_MESSAGE_BYTES = 512;

  public ReconcileLimits {
    if (fingerprintBytes < 4 || fingerprintBytes > 8) {
      throw new IllegalArgumentException("fingerprintBytes is 4 to 8, was " + fingerprintBytes);
    }
    if (leafItems < 1 || leafItems > 4096) {
      throw new IllegalArgumentException("leafItems is 1 to 4096, was " + leafItems);
    }
    int entryBytes = 16 + leafItems * fingerprintBytes;
    if (maxMessageBytes < Math.max(MIN_MESSAGE_BYTES, 64 + entryBytes)) {
      throw new IllegalArgumentException("maxMessageBytes must hold a leaf of " + leafItems + " items ("
          + Math.max(MIN_MESSAGE_BYTES, 64 + entryBytes) + " bytes), was " + maxMessageBytes);
    }
    if (maxItemsPerMessage < leafItems) {
      throw new IllegalArgumentException("maxItemsPerMessage must be at least leafItems (" + leafItems + "), was "
          + maxItemsPerMessage);
    }
    if (maxMessages < 2) {
      throw new IllegalArgumentException("maxMessages must be at least 2, was " + maxMessages);
    }
  }

  /** These limits with {@code fingerprintBytes} changed. */
  public ReconcileLimits withFingerprintBytes(int bytes) {
    return new ReconcileLimits(bytes, leafItems, maxMessageBytes, maxItemsPerMessage, maxMessages);
  }

  /** These limits with {@code leafItems} changed. */
  public ReconcileLimits withLeafItems(int items) {
    return new ReconcileLimits(fingerprintBytes, items, maxMessageBytes, maxItemsPerMessage, maxMessages);
  }

  /** These limits with {@code maxMessageBytes} changed. */
  public ReconcileLimits withMaxMessageBytes(int bytes) {
    return new ReconcileLimits(fingerprintBytes, leafItems, bytes, maxItemsPerMessage, maxMessages);
  }

  /** These limits with {@code maxItemsPerMessage} changed. */
  public ReconcileLimits withMaxItemsPerMessage(int items) {
    return new ReconcileLimits(fingerprintBytes, leafItems, maxMessageBytes, items, maxMessages);
  }

  /** These limits with {@code maxMessages} changed. */
  public ReconcileLimits withMaxMessages(int messages) {
    return new ReconcileLimits(fingerprintBytes, leafItems, maxMessageBytes, maxItemsPerMessage, messages);
  }
}
