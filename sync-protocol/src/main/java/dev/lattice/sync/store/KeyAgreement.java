package dev.lattice.sync.store;

import java.util.Objects;

/**
 * What a store makes of a peer's key ({@link SyncStore#adoptKey}): the peer is in the same space, or it is refused,
 * with the reason.
 */
public sealed interface KeyAgreement {
  /** The peer is in this space: what either side sealed, the other can open. */
  KeyAgreement AGREED = new Agreed();

  /** See {@link #AGREED}. */
  record Agreed() implements KeyAgreement {}

  /**
   * The peer is not in this space, or not yet.
   *
   * @param reason a sentence for the person syncing: encryption on one side only, another space, a wrong passphrase,
   *     or a peer that encrypts but has no key yet
   */
  record Refused(String reason) implements KeyAgreement {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
