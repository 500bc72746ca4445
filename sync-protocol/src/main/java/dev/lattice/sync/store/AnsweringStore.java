package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.VectorEntry;
import java.util.Arrays;
import java.util.List;

/**
 * A store as the side that answers a sync sees it ({@code SyncResponder}, a live channel's server end): a relay, or a
 * device serving its own database to its peers. It judges the asker's schema, keeps a description of its own for an
 * asker whose schema differs, and hears what each asker holds.
 */
public interface AnsweringStore extends SyncStore {
  /**
   * Whether a peer whose schema fingerprint is {@code peerFingerprint} may sync with this one. A device accepts its
   * own; a relay, which cannot read schemas, takes the first device's and holds every later one to it (until a
   * device {@linkplain #migrated migrates} it).
   */
  default boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    return Arrays.equals(peerFingerprint, schemaFingerprint());
  }

  /**
   * A peer says it migrated. A device notes nothing (the hello decides); a relay moves its space to the new schema
   * when the peer migrated from the space's current one.
   */
  default void migrated(SchemaMigration migration) throws SyncException {}

  /**
   * This peer's schema in a form {@link AskingStore#schemaDifferences} on another peer of the space can read (sealed
   * in an encrypted space), sent when fingerprints differ: a device's own; a relay's, the sealed description the
   * space's devices left with it. Null when there is none.
   */
  byte[] schemaDetail() throws SyncException;

  /**
   * A peer stated what it holds: in its hello (called before the welcome reads this store's root), or on a live
   * channel in its subscribe, its acks and its pushes. {@code peer} names it as the transport knows it (a relay's
   * device id; null when unknown), {@code peerSite} is its site id (null on a live channel). A relay remembers every
   * device's vector to find the space's stable point; a device ignores it.
   */
  default void peerHolds(String peer, byte[] peerSite, List<VectorEntry> peerVector) throws SyncException {}

  /**
   * Hands out numbers for rows of numbered tables, as the space's one number source: for each ask, in order, the first
   * of {@code count} numbers above the ask's {@code highest} and above every number handed out before for its counter,
   * never handed out again. A store that is not its space's source refuses.
   */
  default List<Long> allocate(List<Allocate.Ask> asks) throws SyncException {
    throw new SyncException(Kind.REJECTED, "this peer hands out no numbers for numbered tables: a space's numbers come"
        + " from its sync server, or from the one device that hosts the others");
  }
}
