package dev.lattice.server.relay;

import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.store.SyncStore;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One space on the relay, as the sync protocol sees it: a {@link SyncStore} that holds envelopes and their metadata
 * and never a key. It merges by metadata as devices do ({@link RelayMerge}), streams batches as devices do
 * ({@link RelayReader}) and keeps the same tree ({@link RelayTree}), so a device syncs with it exactly as with another
 * device. It cannot read schemas or check keys: it adopts the first device's schema fingerprint and key parameters and
 * holds later devices to them, and passes the first device's key check on for devices to verify.
 */
public final class RelayStore implements SyncStore {
  /** How far ahead of the server's clock a change may be stamped, as devices allow. */
  static final Duration MAX_CLOCK_DRIFT = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RelayDatabase db;
  private final String space;
  private RelayTree tree;

  RelayStore(RelayDatabase db, String space) {
    this.db = db;
    this.space = space;
  }

  @Override
  public byte[] siteId() throws SyncException {
    synchronized (db) {
      return sql(() -> {
        ensureSpace();
        try (PreparedStatement p = c().prepareStatement("SELECT site FROM relay_spaces WHERE space = ?")) {
          p.setString(1, space);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            return r.getBytes(1);
          }
        }
      });
    }
  }

  @Override
  public byte[] schemaFingerprint() throws SyncException {
    byte[] schema = spaceColumn("schema");
    return schema == null ? new byte[0] : schema;
  }

  @Override
  public boolean acceptsSchema(byte[] peerFingerprint) throws SyncException {
    synchronized (db) {
      byte[] schema = spaceColumn("schema");
      if (schema == null) {
        updateSpace("UPDATE relay_spaces SET schema = ? WHERE space = ?", peerFingerprint);
        return true;
      }
      return Arrays.equals(schema, peerFingerprint);
    }
  }

  @Override
  public byte[] schemaDetail() {
    return null; // the relay cannot describe a schema it only knows by fingerprint
  }

  @Override
  public List<String> schemaDifferences(byte[] peerDetail) {
    return List.of("the server knows schemas only by fingerprint");
  }

  @Override
  public boolean encrypted() {
    try {
      return keyed() == Boolean.TRUE;
    } catch (SyncException e) {
      return false;
    }
  }

  @Override
  public KeyInfo keyInfo(boolean createSpace) throws SyncException {
    synchronized (db) {
      return sql(() -> {
        ensureSpace();
        try (PreparedStatement p = c().prepareStatement("SELECT keyed, key_salt, key_memory, key_iterations,"
            + " key_parallelism, key_check FROM relay_spaces WHERE space = ?")) {
          p.setString(1, space);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            return r.getInt(1) == 1 ? new KeyInfo(r.getBytes(2), r.getInt(3), r.getInt(4), r.getInt(5),
                r.getBytes(6)) : null;
          }
        }
      });
    }
  }

  @Override
  public String adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException {
    synchronized (db) {
      Boolean keyed = keyed();
      if (keyed == null && peerEncrypted && peer == null) {
        return "this space has no key yet: the first device to sync makes it"; // and says hello again with it
      }
      if (keyed == null) { // the space's first device decides
        sql(() -> {
          try (PreparedStatement p = c().prepareStatement("UPDATE relay_spaces SET keyed = ?, key_salt = ?,"
              + " key_memory = ?, key_iterations = ?, key_parallelism = ?, key_check = ? WHERE space = ?")) {
            p.setInt(1, peer == null ? 0 : 1);
            p.setBytes(2, peer == null ? null : peer.salt());
            p.setObject(3, peer == null ? null : peer.memoryKiB());
            p.setObject(4, peer == null ? null : peer.iterations());
            p.setObject(5, peer == null ? null : peer.parallelism());
            p.setBytes(6, peer == null ? null : peer.check());
            p.setString(7, space);
            return p.executeUpdate();
          }
        });
        return null;
      }
      if (!keyed) {
        return peer == null && !peerEncrypted ? null : "this space is not end-to-end encrypted on the server, and the device encrypts:"
            + " sync it without a passphrase, or use a new space";
      }
      if (peer == null) {
        return "this space is end-to-end encrypted: sync with the space passphrase";
      }
      KeyInfo mine = keyInfo(false);
      boolean sameParams = Arrays.equals(mine.salt(), peer.salt()) && mine.memoryKiB() == peer.memoryKiB()
          && mine.iterations() == peer.iterations() && mine.parallelism() == peer.parallelism();
      // The key check itself only devices can verify: they do, against the one the first device left here.
      return sameParams ? null : "the device belongs to another space: its key parameters (salt) differ from this"
          + " space's";
    }
  }

  @Override
  public List<VectorEntry> vector() throws SyncException {
    synchronized (db) {
      return sql(this::readVector);
    }
  }

  @Override
  public TreeRoot root() throws SyncException {
    synchronized (db) {
      NodeSummary root = tree().tree().root();
      return new TreeRoot(root.count(), root.digest().bytes());
    }
  }

  @Override
  public Changes changesFor(List<VectorEntry> peerVector, int maxCells) throws SyncException {
    synchronized (db) {
      return sql(() -> RelayReader.next(c(), tables(), space, readVector(), peerVector, Math.max(1, maxCells)));
    }
  }

  @Override
  public long apply(Changes changes) throws SyncException {
    synchronized (db) {
      RelayTree t = tree();
      Connection c = c();
      Map<ByteBuffer, List<Envelope>> before = new LinkedHashMap<>();
      Set<ByteBuffer> touched = new LinkedHashSet<>();
      long applied;
      try {
        c.setAutoCommit(false);
        try {
          RelayTables tables = tables();
          for (Envelope e : changes.envelopes()) {
            ByteBuffer row = ByteBuffer.wrap(e.row());
            if (!before.containsKey(row)) {
              before.put(row, tables.wholeRow(e.row()));
            }
          }
          long maxClock = db.clock().millis() + MAX_CLOCK_DRIFT.toMillis();
          applied = RelayMerge.merge(tables, changes.envelopes(), maxClock, touched);
          advanceVector(changes.covers());
          c.commit();
        } catch (SQLException | SyncException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
        RelayTables tables = tables();
        for (ByteBuffer row : touched) {
          t.replace(before.get(row), tables.wholeRow(row.array()));
        }
        return applied;
      } catch (SQLException e) {
        tree = null; // rebuilt from the tables at next use
        throw new SyncException("internal", "the server's storage failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public ReconcileView reconcileView() throws SyncException {
    synchronized (db) {
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
          synchronized (db) {
            return sql(() -> {
              List<Envelope> out = new ArrayList<>();
              RelayTables tables = tables();
              for (ByteBuffer row : rows) {
                out.addAll(tables.wholeRow(row.array()));
              }
              return out;
            });
          }
        }
      };
    }
  }

  @Override
  public String toString() {
    return "RelayStore[" + space + "]";
  }

  private RelayTree tree() throws SyncException {
    if (tree == null) {
      tree = sql(() -> RelayTree.build(c(), space));
    }
    return tree;
  }

  private List<VectorEntry> readVector() throws SQLException {
    List<VectorEntry> out = new ArrayList<>();
    try (PreparedStatement p = c().prepareStatement("SELECT site, seq FROM relay_vv WHERE space = ?")) {
      p.setString(1, space);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new VectorEntry(r.getBytes(1), r.getLong(2)));
        }
      }
    }
    return out;
  }

  private void advanceVector(List<VectorEntry> covers) throws SQLException {
    Map<ByteBuffer, Long> highest = new HashMap<>();
    for (VectorEntry e : covers) {
      highest.merge(ByteBuffer.wrap(e.site()), e.seq(), Math::max);
    }
    try (PreparedStatement p = c().prepareStatement("INSERT INTO relay_vv(space, site, seq) VALUES (?, ?, ?)"
        + " ON CONFLICT(space, site) DO UPDATE SET seq = max(seq, excluded.seq)")) {
      for (Map.Entry<ByteBuffer, Long> e : highest.entrySet()) {
        p.setString(1, space);
        p.setBytes(2, e.getKey().array());
        p.setLong(3, e.getValue());
        p.executeUpdate();
      }
    }
  }

  private Boolean keyed() throws SyncException {
    synchronized (db) {
      return sql(() -> {
        ensureSpace();
        try (PreparedStatement p = c().prepareStatement("SELECT keyed FROM relay_spaces WHERE space = ?")) {
          p.setString(1, space);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            Object keyed = r.getObject(1);
            return keyed == null ? null : ((Number) keyed).intValue() == 1;
          }
        }
      });
    }
  }

  private byte[] spaceColumn(String column) throws SyncException {
    synchronized (db) {
      return sql(() -> {
        ensureSpace();
        try (PreparedStatement p = c().prepareStatement("SELECT " + column + " FROM relay_spaces WHERE space = ?")) {
          p.setString(1, space);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            return r.getBytes(1);
          }
        }
      });
    }
  }

  private void updateSpace(String sql, byte[] value) throws SyncException {
    sql(() -> {
      try (PreparedStatement p = c().prepareStatement(sql)) {
        p.setBytes(1, value);
        p.setString(2, space);
        return p.executeUpdate();
      }
    });
  }

  private void ensureSpace() throws SQLException {
    byte[] site = new byte[16];
    RANDOM.nextBytes(site);
    try (PreparedStatement p = c().prepareStatement("INSERT OR IGNORE INTO relay_spaces(space, site) VALUES (?, ?)")) {
      p.setString(1, space);
      p.setBytes(2, site);
      p.executeUpdate();
    }
  }

  private RelayTables tables() {
    return new RelayTables(c(), space);
  }

  private Connection c() {
    return db.connection();
  }

  private interface SqlCall<T> {
    T call() throws SQLException;
  }

  private static <T> T sql(SqlCall<T> call) throws SyncException {
    try {
      return call.call();
    } catch (SQLException e) {
      throw new SyncException("internal", "the server's storage failed: " + e.getMessage(), e);
    }
  }
}
