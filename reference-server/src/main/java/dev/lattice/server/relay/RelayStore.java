package dev.lattice.server.relay;

import dev.lattice.core.ClockBound;
import dev.lattice.merkle.CellId;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.server.SpaceMembers;
import dev.lattice.server.storage.Dialect;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.store.KeyAgreement;
import dev.lattice.sync.store.AnsweringStore;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One space on the relay, as the sync protocol sees it: a {@link SyncStore} that holds envelopes and their metadata
 * and never a key. It merges by metadata as devices do ({@link RelayMerge}), streams batches as devices do
 * ({@link RelayReader}) and keeps the same tree ({@link RelayTree}), so a device syncs with it exactly as with another
 * device. It cannot read schemas or check keys: it adopts the first device's schema fingerprint (and a migrated
 * device's new one, when it migrated from the space's current schema) and key parameters and
 * holds later devices to them, and passes the first device's key check on for devices to verify.
 *
 * <p>Calls on one space are serialized in this instance; with PostgreSQL, writes to a space from several instances are
 * serialized by a transaction-scoped advisory lock on the space, and each instance rebuilds its tree of a space that
 * another instance changed.
 */
public final class RelayStore implements AnsweringStore {
  private static final Logger LOG = LoggerFactory.getLogger(RelayStore.class);

  /** How far ahead of the server's clock a change may be stamped, as devices allow. */
  static final Duration MAX_CLOCK_DRIFT = ClockBound.DEFAULT_MAX_DRIFT;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RelayDatabase db;
  private final String space;
  private final List<Runnable> commitListeners = new CopyOnWriteArrayList<>();
  /** When each peer's vector was last recorded for the stable point, by this instance. */
  private final Map<String, Long> vectorRecordedAt = new ConcurrentHashMap<>();
  private RelayTree tree;

  RelayStore(RelayDatabase db, String space) {
    this.db = db;
    this.space = space;
  }

  /** The space's id. */
  public String space() {
    return space;
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
  public synchronized byte[] siteId() throws SyncException {
    return read(c -> spaceBytes(c, "site"));
  }

  @Override
  public synchronized byte[] schemaFingerprint() throws SyncException {
    byte[] schema = read(c -> spaceBytes(c, "schema"));
    return schema == null ? new byte[0] : schema;
  }

  @Override
  public synchronized boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    return write(c -> {
      byte[] schema = spaceBytes(c, "schema");
      if (schema == null) {
        setSchema(c, peerFingerprint, null);
        return true;
      }
      return Arrays.equals(schema, peerFingerprint);
    });
  }

  @Override
  public synchronized void migrated(SchemaMigration migration) throws SyncException {
    write(c -> {
      if (Arrays.equals(spaceBytes(c, "schema"), migration.from())) {
        setSchema(c, migration.to(), migration.detail());
        LOG.info("space {}: a device migrated it to a new schema; devices still on the old one are refused until"
            + " they migrate", space);
      }
      return null;
    });
  }

  private void setSchema(Connection c, byte[] fingerprint, byte[] detail) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE relay_spaces SET schema = ? WHERE space = ?")) {
      p.setBytes(1, fingerprint);
      p.setString(2, space);
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("DELETE FROM relay_schema_details WHERE space = ?")) {
      p.setString(1, space);
      p.executeUpdate();
    }
    if (detail != null) {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_schema_details(space, detail) VALUES (?, ?)")) {
        p.setString(1, space);
        p.setBytes(2, detail);
        p.executeUpdate();
      }
    }
  }

  /** The sealed description the device that last migrated the space sent, or null: the relay cannot read it. */
  @Override
  public synchronized byte[] schemaDetail() throws SyncException {
    return read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT detail FROM relay_schema_details WHERE space = ?")) {
        p.setString(1, space);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getBytes(1) : null;
        }
      }
    });
  }

  @Override
  public synchronized boolean encrypted() throws SyncException {
    return read(this::keyed) == Boolean.TRUE;
  }

  @Override
  public synchronized KeyInfo keyInfo(boolean createSpace) throws SyncException {
    return read(this::storedKey); // a relay never makes a key: devices do
  }

  @Override
  public synchronized KeyAgreement adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException {
    return write(c -> {
      Boolean keyed = keyed(c);
      if (keyed == null && peerEncrypted && peer == null) {
        // The device makes the key, then says hello again with it.
        return new KeyAgreement.Refused("this space has no key yet: the first device to sync makes it");
      }
      if (keyed == null) { // the space's first device decides
        try (PreparedStatement p = c.prepareStatement("UPDATE relay_spaces SET keyed = ?, key_salt = ?,"
            + " key_memory = ?, key_iterations = ?, key_parallelism = ?, key_check = ? WHERE space = ?")) {
          p.setInt(1, peer == null ? 0 : 1);
          p.setBytes(2, peer == null ? null : peer.salt());
          p.setObject(3, peer == null ? null : peer.memoryKiB());
          p.setObject(4, peer == null ? null : peer.iterations());
          p.setObject(5, peer == null ? null : peer.parallelism());
          p.setBytes(6, peer == null ? null : peer.check());
          p.setString(7, space);
          p.executeUpdate();
        }
        return KeyAgreement.AGREED;
      }
      if (!keyed) {
        return peer == null && !peerEncrypted ? KeyAgreement.AGREED : new KeyAgreement.Refused("this space is not"
            + " end-to-end encrypted on the server, and the device encrypts: sync it without a passphrase, or use a"
            + " new space");
      }
      if (peer == null) {
        return new KeyAgreement.Refused("this space is end-to-end encrypted: sync with the space passphrase");
      }
      KeyInfo mine = storedKey(c);
      boolean sameParams = Arrays.equals(mine.salt(), peer.salt()) && mine.memoryKiB() == peer.memoryKiB()
          && mine.iterations() == peer.iterations() && mine.parallelism() == peer.parallelism();
      // The key check itself only devices can verify: they do, against the one the first device left here.
      return sameParams ? KeyAgreement.AGREED : new KeyAgreement.Refused("the device belongs to another space: its key"
          + " parameters (salt) differ from this space's");
    });
  }

  @Override
  public synchronized List<VectorEntry> vector() throws SyncException {
    return read(this::readVector);
  }

  @Override
  public synchronized TreeRoot root() throws SyncException {
    NodeSummary root = tree().tree().root();
    return new TreeRoot(root.count(), root.digest().bytes());
  }

  @Override
  public synchronized Changes changesFor(List<VectorEntry> peerVector, int maxCells) throws SyncException {
    return read(c -> RelayReader.next(c, new RelayTables(c, space), space, readVector(c), peerVector,
        Math.max(1, maxCells)));
  }

  @Override
  public long apply(Changes changes) throws SyncException {
    long applied;
    synchronized (this) {
      RelayTree t = tree();
      Map<ByteBuffer, List<Envelope>> before = new LinkedHashMap<>();
      Set<ByteBuffer> touched = new LinkedHashSet<>();
      long now = db.clock().millis();
      List<List<Envelope>> after = new ArrayList<>();
      applied = write(c -> {
        RelayTables tables = new RelayTables(c, space);
        for (Envelope e : changes.envelopes()) {
          ByteBuffer row = ByteBuffer.wrap(e.row());
          if (!before.containsKey(row)) {
            before.put(row, tables.wholeRow(e.row()));
          }
        }
        long n = RelayMerge.merge(tables, changes.envelopes(), now, MAX_CLOCK_DRIFT.toMillis(),
            new RelayStable(c, space).read(), touched);
        advanceVector(c, changes.covers());
        for (ByteBuffer row : touched) {
          after.add(tables.wholeRow(row.array()));
        }
        if (!touched.isEmpty() || !changes.covers().isEmpty()) {
          db.announce(c, space);
        }
        return n;
      });
      int i = 0;
      for (ByteBuffer row : touched) { // committed: now the tree may follow
        t.replace(before.get(row), after.get(i++));
      }
    }
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
      members = source == null ? null : Set.copyOf(source.activeDevices(space));
    } catch (RuntimeException e) {
      LOG.warn("space {}: the server could not list its devices ({}); its stable point stays where it was", space,
          e.toString());
      return; // the device's next statement tries again
    }
    vectorRecordedAt.put(name, now);
    int dropped;
    synchronized (this) {
      if (read(c -> new RelayStable(c, space).changesNothing(name, peerVector, members, readVector(c)))) {
        return; // most hellos: no write transaction for them
      }
      List<byte[]> rows = write(c -> {
        RelayStable stable = new RelayStable(c, space);
        stable.record(name, peerVector);
        if (members != null) {
          stable.forgetAllBut(members);
        }
        List<byte[]> gone = stable.advance(members, readVector(c));
        if (!gone.isEmpty()) {
          db.announce(c, space); // the other instances' trees of the space are stale
        }
        return gone;
      });
      if (tree != null) { // committed: now the tree may follow; a dead row's one item is its row cell
        for (byte[] row : rows) {
          tree.tree().remove(CellId.of(row));
        }
      }
      dropped = rows.size();
    }
    if (dropped > 0) {
      LOG.info("space {}: dropped {} tombstones every device holds (at or below the stable point)", space, dropped);
    }
  }

  /** The space's stable point: every device holds it, and the relay dropped the tombstones at or below it. */
  @Override
  public synchronized List<VectorEntry> stableVector() throws SyncException {
    return read(c -> new RelayStable(c, space).vector());
  }

  @Override
  public synchronized ReconcileView reconcileView() throws SyncException {
    MerkleTree<ByteBuffer> snapshot = tree().tree().copy();
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
        return read(c -> {
          List<Envelope> out = new ArrayList<>();
          RelayTables tables = new RelayTables(c, space);
          for (ByteBuffer row : rows) {
            out.addAll(tables.wholeRow(row.array()));
          }
          return out;
        });
      }
    };
  }

  /** Another instance committed to this space: the tree is rebuilt at next use, and live devices are told. */
  void changedElsewhere() {
    synchronized (this) {
      tree = null;
    }
    commitListeners.forEach(Runnable::run);
  }

  @Override
  public String toString() {
    return "RelayStore[" + space + "]";
  }

  private RelayTree tree() throws SyncException {
    if (tree == null) {
      tree = read(c -> RelayTree.build(c, space));
    }
    return tree;
  }

  private List<VectorEntry> readVector(Connection c) throws SQLException {
    List<VectorEntry> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT site, seq FROM relay_vv WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new VectorEntry(r.getBytes(1), r.getLong(2)));
        }
      }
    }
    return out;
  }

  private void advanceVector(Connection c, List<VectorEntry> covers) throws SQLException {
    Map<ByteBuffer, Long> highest = new HashMap<>();
    for (VectorEntry e : covers) {
      highest.merge(ByteBuffer.wrap(e.site()), e.seq(), Math::max);
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_vv(space, site, seq) VALUES (?, ?, ?)"
        + " ON CONFLICT(space, site) DO UPDATE SET seq = CASE WHEN excluded.seq > relay_vv.seq THEN excluded.seq"
        + " ELSE relay_vv.seq END")) {
      for (Map.Entry<ByteBuffer, Long> e : highest.entrySet()) {
        p.setString(1, space);
        p.setBytes(2, e.getKey().array());
        p.setLong(3, e.getValue());
        p.executeUpdate();
      }
    }
  }

  private Boolean keyed(Connection c) throws SQLException {
    ensureSpace(c);
    try (PreparedStatement p = c.prepareStatement("SELECT keyed FROM relay_spaces WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        Object keyed = r.getObject(1);
        return keyed == null ? null : ((Number) keyed).intValue() == 1;
      }
    }
  }

  private KeyInfo storedKey(Connection c) throws SQLException {
    ensureSpace(c);
    try (PreparedStatement p = c.prepareStatement("SELECT keyed, key_salt, key_memory, key_iterations,"
        + " key_parallelism, key_check FROM relay_spaces WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1) == 1 ? new KeyInfo(r.getBytes(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getBytes(6))
            : null;
      }
    }
  }

  private byte[] spaceBytes(Connection c, String column) throws SQLException {
    ensureSpace(c);
    try (PreparedStatement p = c.prepareStatement("SELECT " + column + " FROM relay_spaces WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getBytes(1);
      }
    }
  }

  private void ensureSpace(Connection c) throws SQLException {
    byte[] site = new byte[16];
    RANDOM.nextBytes(site);
    try (PreparedStatement p = c.prepareStatement("INSERT INTO relay_spaces(space, site) VALUES (?, ?)"
        + " ON CONFLICT(space) DO NOTHING")) {
      p.setString(1, space);
      p.setBytes(2, site);
      p.executeUpdate();
    }
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException, SyncException;
  }

  private <T> T read(Work<T> work) throws SyncException {
    try (Connection c = db.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw storageFailed(e);
    }
  }

  /** Runs {@code work} in one transaction, holding the space's lock across instances on PostgreSQL. */
  private <T> T write(Work<T> work) throws SyncException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        if (db.dialect() == Dialect.POSTGRES) {
          Dialect.advisoryLock(c, spaceLock());
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | SyncException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw storageFailed(e);
    }
  }

  /** The advisory lock's key: 64 bits of the space id's hash. */
  private long spaceLock() {
    byte[] id = space.getBytes(StandardCharsets.UTF_8);
    long h = 0xcbf29ce484222325L; // FNV-1a: stable across instances and versions, unlike String.hashCode's contract
    for (byte b : id) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  private SyncException storageFailed(SQLException e) {
    synchronized (this) {
      tree = null; // rebuilt from the tables at next use
    }
    return new SyncException(Kind.INTERNAL, "the server's storage failed: " + e.getMessage(), e);
  }
}
