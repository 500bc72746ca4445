package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.util.List;

/**
 * One peer's data as the sync protocol sees it: envelopes, version vectors and a reconciliation tree. A device's
 * database ({@link ReplicaStore}) is one; a relay that holds only ciphertext is another. The session and the responder
 * talk to a store and to nothing else, so either kind of peer can ask or answer.
 *
 * <p>Implementations are safe to call from several threads; each call sees committed state.
 */
public interface SyncStore {
  /** This peer's site id, 16 bytes. */
  byte[] siteId() throws SyncException;

  /** What peers compare before syncing: equal exactly when they track the same tables and columns. */
  byte[] schemaFingerprint() throws SyncException;

  /**
   * Whether a peer whose schema fingerprint is {@code peerFingerprint} may sync with this one. A device accepts its
   * own; a relay, which cannot read schemas, takes the first device's and holds every later one to it (until a
   * device {@linkplain #migrated migrates} it).
   */
  default boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    return java.util.Arrays.equals(peerFingerprint, schemaFingerprint());
  }

  /** This store's schema change since it last synced, sent before its hello; null when none (and for a relay). */
  default SchemaMigration schemaMigration() throws SyncException {
    return null;
  }

  /**
   * A peer says it migrated. A device notes nothing (the hello decides); a relay moves its space to the new schema
   * when the peer migrated from the space's current one.
   */
  default void migrated(SchemaMigration migration) throws SyncException {}

  /** The two sides of a sync agreed on this store's current schema: remember it as the one last synced under. */
  default void schemaAgreed() throws SyncException {}

  /**
   * What the first device of a new space on a relay tells it after its first accepted hello (it made the space's key
   * in that session, and its schema was never agreed before): a migration from its schema to itself, carrying its
   * {@link #schemaDetail}, so that the relay keeps the space's tables for devices that join with none
   * ({@link #adoptSchema}). Null when there is nothing to tell (and for a relay).
   */
  default SchemaMigration schemaIntroduction() throws SyncException {
    return null;
  }

  /**
   * Makes and tracks the tables a peer's {@link #schemaDetail} describes, when this store tracks no table at all: a
   * device that joined a space with an empty or new database takes the space's tables. Returns whether it did; false,
   * changing nothing, for a store with tables of its own (a relay, or a device whose schema differs: a migration's
   * business).
   */
  default boolean adoptSchema(byte[] peerDetail) throws SyncException {
    return false;
  }

  /**
   * This peer's schema in a form {@link #schemaDifferences} on another peer of the space can read (sealed in an
   * encrypted space), sent when fingerprints differ; null if this peer cannot describe it (a relay).
   */
  byte[] schemaDetail() throws SyncException;

  /** How a peer's schema, as its {@link #schemaDetail} describes it, differs from this one: one phrase each. */
  List<String> schemaDifferences(byte[] peerDetail);

  /** Whether this peer's payloads are end-to-end encrypted. */
  boolean encrypted();

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

  /**
   * Forgets this peer's space key if no peer ever accepted it, and says whether it did. Two devices that sync with a
   * new space at the same moment both find no key and make one; the server keeps the first it hears of and refuses the
   * other. The refused device made its key moments ago and sealed nothing under it for anyone, so it forgets it and
   * adopts the space's in its next hello, as a joining device does. A relay never makes a key: the default keeps it.
   */
  default boolean forgetUnconfirmedKey() throws SyncException {
    return false;
  }

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
   * Told by the asking side when a sync with a peer completed: the peer's site, its version vector as last heard, and
   * where it was reached. A device remembers it ({@link SyncHistory}); the default forgets it.
   */
  default void synced(byte[] peerSite, List<VectorEntry> peerVector, String peer) throws SyncException {}

  /**
   * A peer stated what it holds: in its hello (called before the welcome reads this store's root), or on a live
   * channel in its subscribe, its acks and its pushes. {@code peer} names it as the transport knows it (a relay's
   * device id; null when unknown), {@code peerSite} is its site id (null on a live channel). A relay remembers every
   * device's vector to find the space's stable point; a device ignores it.
   */
  default void peerHolds(String peer, byte[] peerSite, List<VectorEntry> peerVector) throws SyncException {}

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
