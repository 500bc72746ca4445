package dev.lattice.sync.store;

import dev.lattice.sync.SyncException;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.VectorEntry;
import java.util.List;

/**
 * A store as the side that asks for a sync sees it ({@code SyncSession}): a device. It tells the peer of its schema
 * changes, reads a peer's schema refusal, settles the space key and its tables with a new space, and remembers the
 * syncs it completed. A relay never asks, so it implements none of this.
 */
public interface AskingStore extends SyncStore {
  /** This store's schema change since it last synced, sent before its hello; null when none. */
  SchemaMigration schemaMigration() throws SyncException;

  /**
   * What the first device of a new space on a relay tells it after its first accepted hello (it made the space's key
   * in that session, and its schema was never agreed before): a migration from its schema to itself, carrying its
   * {@link AnsweringStore#schemaDetail}, so that the relay keeps the space's tables for devices that join with none
   * ({@link #adoptSchema}). Null when there is nothing to tell.
   */
  SchemaMigration schemaIntroduction() throws SyncException;

  /**
   * Makes and tracks the tables a peer's {@link AnsweringStore#schemaDetail} describes, when this store tracks no
   * table at all: a device that joined a space with an empty or new database takes the space's tables. Returns
   * whether it did; false, changing nothing, for a device with tables of its own (whose schema differs: a
   * migration's business).
   */
  boolean adoptSchema(byte[] peerDetail) throws SyncException;

  /** How a peer's schema, as its {@link AnsweringStore#schemaDetail} describes it, differs from this one. */
  List<String> schemaDifferences(byte[] peerDetail);

  /**
   * Forgets this peer's space key if no peer ever accepted it, and says whether it did. Two devices that sync with a
   * new space at the same moment both find no key and make one; the server keeps the first it hears of and refuses the
   * other. The refused device made its key moments ago and sealed nothing under it for anyone, so it forgets it and
   * adopts the space's in its next hello, as a joining device does.
   */
  boolean forgetUnconfirmedKey() throws SyncException;

  /**
   * Told when a sync this side asked for completed: the peer's site, its version vector as last heard, and
   * where it was reached. A device remembers it ({@link SyncHistory}).
   */
  void synced(byte[] peerSite, List<VectorEntry> peerVector, String peer) throws SyncException;

  /**
   * What this store must ask its space's number source before it can send its changes: one ask per numbered table
   * with rows inserted here and not yet numbered for sync, and one, with a count of zero, per other numbered table (so
   * that the source's counter rises above the numbers this replica holds). Empty when no such row waits.
   */
  List<Allocate.Ask> numbersWanted() throws SyncException;

  /**
   * Numbers the waiting rows for sync with what the source handed out for {@code asks} ({@code first}: each ask's
   * first number), moving them and the rows referencing them in one transaction. Returns false, changing nothing, when
   * more rows were inserted since the asks than they cover: ask again. A store that numbered rows through another
   * source before ({@code source}: the source's site id) refuses: two sources hand out the same numbers.
   */
  boolean settleNumbers(List<Allocate.Ask> asks, List<Long> first, byte[] source) throws SyncException;
}
