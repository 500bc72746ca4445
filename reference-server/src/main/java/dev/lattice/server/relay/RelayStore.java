package dev.lattice.server.relay;

import dev.lattice.core.ClockBound;
import dev.lattice.core.SiteId;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.server.SpaceMembers;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.AnsweringStore;
import dev.lattice.sync.store.KeyAgreement;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One space on the relay, as the sync protocol sees it: a {@link SyncStore} that holds envelopes and their metadata
 * and never a key. It merges by metadata as devices do ({@link RelayMerge}), streams batches as devices do
 * ({@link RelayReader}) and keeps the same tree ({@link RelayTree}), so a device syncs with it exactly as with another
 * device. It cannot read schemas or check keys: it adopts the first device's schema fingerprint (and a migrated
 * device's new one, when it migrated from the space's current schema) and key parameters and holds later devices to
 * them, and passes the first device's key check on for devices to verify ({@link RelayAgreement}). It is the space's
 * number source: rows of numbered tables take their numbers from its counters ({@link #allocate}).
 *
 * <p>Calls on one space run side by side: reads (hellos, pulls, reconciliation) never wait for a writer, and writers
 * (batches, stable points, numbers) take turns on this instance and, on PostgreSQL, across instances
 * ({@link RelaySpace}). The tree follows every commit row by row, another instance's included.
 */
public final class RelayStore implements AnsweringStore {
  private static final Logger LOG = LoggerFactory.getLogger(RelayStore.class);

  /** How far ahead of the server's clock a change may be stamped, as devices allow. */
  static final Duration MAX_CLOCK_DRIFT = ClockBound.DEFAULT_MAX_DRIFT;

  private final RelayDatabase db;
  private final RelaySpace space;
  private final RelayAgreement agreement;
  private final List<Runnable> commitListeners = new CopyOnWriteArrayList<>();
  /** When each peer's vector was last recorded for the stable point, by this instance. */
  private final Map<String, Long> vectorRecordedAt = new ConcurrentHashMap<>();
  /** When this instance last raised the space's stable point (or found it would not rise). */
  private final AtomicLong raisedAt = new AtomicLong(Long.MIN_VALUE / 2);

  RelayStore(RelayDatabase db, String space) {
    this.db = db;
    this.space = new RelaySpace(db, space);
    this.agreement = new RelayAgreement(this.space);
  }

  /** The space's id. */
  public String space() {
    return space.id();
  }

  /**
   * Calls {@code listener} after every commit to this space, by this instance or another: live devices are told.
   * Returns a handle that removes it.
   */
  public AutoCloseable onCommit(Runnable listener) {
    commitListeners.add(listener);
    return () -> commitListeners.remove(listener);
  }

  @Override
  public byte[] siteId() throws SyncException {
    return agreement.siteId();
  }

  @Override
  public byte[] schemaFingerprint() throws SyncException {
    return agreement.schemaFingerprint();
  }

  @Override
  public boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    return agreement.acceptsSchema(peerFingerprint);
  }

  @Override
  public void migrated(SchemaMigration migration) throws SyncException {
    agreement.migrated(migration);
  }

  /** The sealed description the device that last migrated the space sent, or null: the relay cannot read it. */
  @Override
  public byte[] schemaDetail() throws SyncException {
    return agreement.schemaDetail();
  }

  @Override
  public boolean encrypted() throws SyncException {
    return agreement.encrypted();
  }

  @Override
  public KeyInfo keyInfo(boolean createSpace) throws SyncException {
    return agreement.keyInfo(); // a relay never makes a key: devices do
  }

  @Override
  public KeyAgreement adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException {
    return agreement.adoptKey(peer, peerEncrypted);
  }

  @Override
  public List<VectorEntry> vector() throws SyncException {
    return space.read(this::readVector);
  }

  @Override
  public TreeRoot root() throws SyncException {
    return space.tree().root();
  }

  @Override
  public Changes changesFor(List<VectorEntry> peerVector, int maxCells) throws SyncException {
    return space.snapshot(c -> {
      try (RelayTables tables = new RelayTables(c, space.id())) {
        return RelayReader.next(c, tables, space::recentRow, space.id(), readVector(c), peerVector,
            Math.max(1, maxCells));
      }
    });
  }

  @Override
  public long apply(Changes changes) throws SyncException {
    long now = db.clock().millis();
    long applied = space.write((c, changed) -> {
      Set<ByteBuffer> touched = new LinkedHashSet<>();
      long n;
      try (RelayTables tables = new RelayTables(c, space.id())) {
        n = RelayMerge.merge(tables, changes.envelopes(), now, MAX_CLOCK_DRIFT.toMillis(),
            new RelayStable(c, space.id()).read(), touched);
      }
      advanceVector(c, changes.covers());
      touched.forEach(changed::row);
      if (!changes.covers().isEmpty()) {
        changed.space();
      }
      return n;
    });
    db.stored(applied);
    commitListeners.forEach(Runnable::run);
    return applied;
  }

  /**
   * Records the vector {@code peer} stated it holds (in a hello, or live; {@code peer} null: the transport did not say
   * who it is, and the peer is named by its site id), at most once per {@link RelayDatabase#recordDeviceVectorsEvery};
   * raises the space's stable point to what every device of the space now holds, and drops the tombstones at or below
   * it, from the tables and the tree. The space's devices are the ones the server's accounts list as active
   * ({@link RelayDatabase#knowMembers}); revoked ones' vectors are forgotten. Without accounts, they are the peers that
   * said hello here (a peer that said hello holding nothing is not counted; it can send no old life of a row).
   */
  @Override
  public void peerHolds(String peer, byte[] peerSite, List<VectorEntry> peerVector) throws SyncException {
    if (peer == null && peerSite == null) {
      return; // nobody to record it under
    }
    String name = peer != null ? peer : "site:" + HexFormat.of().formatHex(peerSite);
    long now = db.clock().millis();
    Long last = vectorRecordedAt.get(name);
    if (last != null && now - last < db.deviceVectorsEvery().toMillis()) {
      return; // recorded lately: an older vector only lets tombstones go later
    }
    Set<String> members; // null: the peers that said hello
    try { // before the transaction: the accounts are read on a connection of their own
      SpaceMembers source = db.members();
      members = source == null ? null : Set.copyOf(source.activeDevices(space.id()));
    } catch (RuntimeException e) {
      LOG.warn("space {}: the server could not list its devices ({}); its stable point stays where it was",
          space.id(), e.toString());
      return; // the device's next statement tries again
    }
    vectorRecordedAt.put(name, now);
    // Raising the stable point reads every device's vector of the space: at most once per the same interval per space
    // on this instance (every time with no interval); in between, a hello records its device's vector only.
    boolean raise = now - raisedAt.get() >= db.deviceVectorsEvery().toMillis();
    if (space.read(c -> raise
        ? new RelayStable(c, space.id()).changesNothing(name, peerVector, members, readVector(c))
        : new RelayStable(c, space.id()).sameAsRecorded(name, peerVector))) {
      if (raise) {
        raisedAt.set(now); // it would not rise now
      }
      return; // most hellos: no write transaction for them
    }
    int dropped = space.write((c, changed) -> {
      RelayStable stable = new RelayStable(c, space.id());
      stable.record(name, peerVector);
      if (!raise) {
        return 0;
      }
      if (members != null) {
        stable.forgetAllBut(members);
      }
      List<byte[]> gone = stable.advance(members, readVector(c));
      gone.forEach(row -> changed.row(ByteBuffer.wrap(row))); // a dead row's one item, its row cell, goes
      return gone.size();
    });
    if (raise) {
      raisedAt.set(now);
    }
    if (dropped > 0) {
      LOG.info("space {}: dropped {} tombstones every device holds (at or below the stable point)", space.id(),
          dropped);
    }
  }

  /** The space's stable point: every device holds it, and the relay dropped the tombstones at or below it. */
  @Override
  public List<VectorEntry> stableVector() throws SyncException {
    return space.read(c -> new RelayStable(c, space.id()).vector());
  }

  /**
   * The relay is its spaces' number source: hands out ranges of numbers for rows of numbered tables from the space's
   * counters ({@link RelayNumbers}), all asks of a request in one write transaction, so that a refused ask undoes the
   * request's earlier ones. It changes no row, so the tree and other instances are not told; on PostgreSQL the
   * transaction holds the space's lock, so instances take turns at a counter.
   */
  @Override
  public List<Long> allocate(List<Allocate.Ask> asks) throws SyncException {
    if (asks.isEmpty()) {
      return List.of();
    }
    return space.writeAlone(c -> new RelayNumbers(c, space.id()).allocate(asks));
  }

  @Override
  public ReconcileView reconcileView() throws SyncException {
    MerkleTree<ByteBuffer> snapshot = space.tree().copy();
    return new ReconcileView() {
      @Override
      public MerkleTree<?> tree() {
        return snapshot;
      }

      @Override
      public List<Envelope> envelopesOf(List<? extends Item<?>> items) throws SyncException {
        Set<ByteBuffer> rows = new LinkedHashSet<>();
        for (Item<?> item : items) {
          rows.add((ByteBuffer) item.tag());
        }
        return space.snapshot(c -> {
          List<Envelope> out = new ArrayList<>();
          try (RelayTables tables = new RelayTables(c, space.id())) {
            for (ByteBuffer row : rows) {
              out.addAll(tables.wholeRow(row.array()));
            }
          }
          return out;
        });
      }
    };
  }

  /**
   * Another instance committed to this space, changing {@code rows} (null: any may have): the tree follows, and live
   * devices are told.
   */
  void changedElsewhere(List<byte[]> rows) {
    space.changedElsewhere(rows);
    commitListeners.forEach(Runnable::run);
  }

  /** The space's transactions and tree, for tests. */
  RelaySpace transactions() {
    return space;
  }

  @Override
  public String toString() {
    return "RelayStore[" + space.id() + "]";
  }

  private List<VectorEntry> readVector(Connection c) throws SQLException {
    List<VectorEntry> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM relay_vv WHERE space = ?")) {
      p.setString(1, space.id());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new VectorEntry(r.getBytes(1), r.getLong(2)));
        }
      }
    }
    return out;
  }

  private void advanceVector(Connection c, List<VectorEntry> covers) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_vv(space, site, seq) VALUES (?, ?, ?)"
        + " ON CONFLICT(space, site) DO UPDATE SET seq = CASE WHEN excluded.seq > relay_vv.seq THEN excluded.seq"
        + " ELSE relay_vv.seq END")) {
      for (Map.Entry<SiteId, Long> e : VectorEntry.vector(covers).entries().entrySet()) {
        p.setString(1, space.id());
        p.setBytes(2, e.getKey().bytes());
        p.setLong(3, e.getValue());
        p.executeUpdate();
      }
    }
  }
}
