package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.util.List;

/**
 * One peer's data as the sync protocol sees it, in the part both sides of a sync use: envelopes, version vectors, the
 * space key, the stable point and a reconciliation tree. The side that answers ({@link AnsweringStore}: a relay, or a
 * device serving its peers) and the side that asks ({@link AskingStore}: a device) each add their own part, so that a
 * relay, which only answers, implements nothing it cannot do.
 *
 * <p>Implementations are safe to call from several threads; each call sees committed state.
 */
public interface SyncStore {
  /** This peer's site id, 16 bytes. */
  byte[] siteId() throws SyncException;

  /** What peers compare before syncing: equal exactly when they track the same tables and columns. */
  byte[] schemaFingerprint() throws SyncException;

  /** The two sides of a sync agreed on this store's current schema: remember it as the one last synced under. */
  default void schemaAgreed() throws SyncException {}

  /** Whether this peer's payloads are end-to-end encrypted. */
  boolean encrypted() throws SyncException;

  /**
   * The key parameters and a fresh key check of this peer's space, or null when encryption is off or the space key is
   * not known yet.
   *
   * @param createSpace whether to make the space's key now if it is not known yet: the responder does, since the
   *     first device to answer decides the space's parameters; an asker adopts its peer's ({@link #adoptKey})
   */
  KeyInfo keyInfo(boolean createSpace) throws SyncException;

  /**
   * Checks a peer's key before anything of it is used. A peer whose space key is not known yet first derives it from
   * the peer's parameters, keeping it only if the peer's key check opens under it.
   *
   * @param peer the peer's key parameters and check, or null
   * @param peerEncrypted whether the peer encrypts, even without a key yet
   * @return {@link KeyAgreement#AGREED} if the peer is in the same space, else {@link KeyAgreement.Refused} saying
   *     why not
   */
  KeyAgreement adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException;

  /** This peer's version vector. */
  List<VectorEntry> vector() throws SyncException;

  /** This peer's reconciliation tree root. */
  TreeRoot root() throws SyncException;

  /**
   * The first batch of at most about {@code maxCells} cells of what a peer holding {@code peerVector} lacks. Its
   * {@link Changes#more()} says whether more remains; the peer asks again with its vector once it has applied this
   * batch, and the next batch starts where this one stopped.
   */
  Changes changesFor(List<VectorEntry> peerVector, int maxCells) throws SyncException;

  /**
   * Stores a peer's batch durably, all of it or, on any error, none of it: an envelope that fails authentication or
   * does not match its cell refuses the whole batch. Returns how many cell versions won and were stored.
   */
  long apply(Changes changes) throws SyncException;

  /**
   * This store's stable point: a vector every device of its space is known to hold, at or below which it has dropped
   * tombstones. Empty when it knows none.
   */
  default List<VectorEntry> stableVector() throws SyncException {
    return List.of();
  }

  /**
   * Adopts a peer's stable point as far as this store's own vector reaches, and drops the tombstones at or below what
   * it adopted. A relay, which finds the point itself, ignores it.
   */
  default void adoptStable(List<VectorEntry> peerStable) throws SyncException {}

  /** A frozen view of the tree for one reconciliation session. */
  ReconcileView reconcileView() throws SyncException;

  /** The reconciliation tree of a store as it was at one moment, and the envelopes behind its items. */
  interface ReconcileView {
    /** The tree; it does not change while the session runs. */
    dev.lattice.merkle.MerkleTree<?> tree();

    /** The whole current rows behind {@code items} (items of {@link #tree()}), as envelopes ready to send. */
    List<Envelope> envelopesOf(List<? extends dev.lattice.merkle.Item<?>> items) throws SyncException;
  }
}
