package dev.lattice.sync.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.lattice.core.SiteId;
import dev.lattice.driver.ChangeBatch;
import dev.lattice.driver.ChangeBatches;
import dev.lattice.driver.MergeResult;
import dev.lattice.driver.Renumbering;
import dev.lattice.driver.Replica;
import dev.lattice.driver.TrackedSchema;
import dev.lattice.driver.TreeSnapshot;
import dev.lattice.merkle.Item;
import dev.lattice.merkle.MerkleTree;
import dev.lattice.merkle.NodeSummary;
import dev.lattice.sync.SyncException;
import dev.lattice.sync.SyncException.Kind;
import dev.lattice.sync.crypto.SealedDataException;
import dev.lattice.sync.crypto.SpaceKey;
import dev.lattice.sync.wire.Allocate;
import dev.lattice.sync.wire.Changes;
import dev.lattice.sync.wire.Envelope;
import dev.lattice.sync.wire.KeyInfo;
import dev.lattice.sync.wire.SchemaMigration;
import dev.lattice.sync.wire.TreeRoot;
import dev.lattice.sync.wire.VectorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.sqlite.SQLiteException;

/**
 * A device's database as a {@link SyncStore}: the tracked tables of one SQLite file, read and written through the
 * driver's {@link Replica} API on a connection of the store's own.
 *
 * <pre>{@code
 * try (ReplicaStore store = ReplicaStore.open("jdbc:sqlite:notes.db", Encryption.passphrase(words))) {
 *   SyncSession.run(store, new HttpTransport(peer), SyncOptions.DEFAULTS);
 * }
 * }</pre>
 *
 * <p>Calls are serialized on the store; the application keeps writing through its own connections meanwhile, and the
 * store sees their commits.
 */
public final class ReplicaStore implements AskingStore, AnsweringStore, AutoCloseable {
  private static final byte[] SCHEMA_AAD = "lattice schema v1".getBytes(StandardCharsets.US_ASCII);
  private static final CBORMapper SCHEMA_CODEC = CBORMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addMixIn(TrackedSchema.Table.class, TableWritten.class)
      .build();

  /** A table that is not numbered is written as before numbering existed, so that earlier peers still read it. */
  private abstract static class TableWritten {
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    abstract boolean numbered();
  }

  private final String jdbcUrl;
  private final Connection connection;
  private final Replica replica;
  private final KeyRing keys;
  private final StoreNumbering numbering;

  private ReplicaStore(String jdbcUrl, Connection connection, KeyRing keys) {
    this.jdbcUrl = jdbcUrl;
    this.connection = connection;
    this.replica = Replica.of(connection).keepingMergeState(); // the store owns the connection for its life
    this.keys = keys;
    this.numbering = new StoreNumbering(replica, connection, keys);
  }

  /**
   * Opens the database at {@code jdbcUrl} ({@code jdbc:sqlite:...} or {@code jdbc:lattice:sqlite:...}) on a connection
   * of its own. With encryption on and the space's key parameters already stored, derives the key now (Argon2id: a
   * fraction of a second by design).
   */
  public static ReplicaStore open(String jdbcUrl, Encryption encryption) throws SQLException {
    Objects.requireNonNull(encryption, "encryption");
    Connection c = DriverManager.getConnection(jdbcUrl);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000"); // share the file with the application's own writers
      }
      return new ReplicaStore(jdbcUrl, c, KeyRing.load(c, encryption));
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Makes this store its space's number source, for a device that hosts its peers ({@code PeerHost}): it answers their
   * requests for numbers from counters in its own database, and numbers its own rows from them before it reads
   * changes to send. A space must have exactly one source, so a hosting device must not also sync numbered tables
   * through a server. Returns this store.
   */
  public ReplicaStore handOutNumbers() {
    numbering.handOut();
    return this;
  }

  /** The driver's view of the same database, for the store's owner; use it only between sync calls. */
  public Replica replica() {
    return replica;
  }

  /**
   * Calls {@code onCommit} on a background thread soon after any connection or process commits to the database (the
   * store's own syncs included), checking every {@code interval}. Close the result to stop.
   */
  public AutoCloseable watchCommits(Duration interval, Runnable onCommit) throws SQLException {
    return CommitWatcher.start(jdbcUrl, interval, onCommit);
  }

  @Override
  public synchronized byte[] siteId() throws SyncException {
    return sql(() -> replica.siteId().bytes());
  }

  @Override
  public synchronized byte[] schemaFingerprint() throws SyncException {
    return fingerprint(sql(replica::schema).describe());
  }

  /** {@link TrackedSchema#fingerprint()} of a description; keyed in an encrypted space, so a relay cannot guess it. */
  private byte[] fingerprint(String description) {
    SpaceKey key = keys.key();
    byte[] bytes = description.getBytes(StandardCharsets.UTF_8);
    return key == null ? TrackedSchema.fingerprint(bytes) : key.mac("schema", bytes);
  }

  @Override
  public synchronized SchemaMigration schemaMigration() throws SyncException {
    String agreed = sql(() -> AgreedSchema.read(connection));
    String now = sql(replica::schema).describe();
    return agreed == null || agreed.equals(now) ? null
        : new SchemaMigration(fingerprint(agreed), fingerprint(now), schemaDetail());
  }

  @Override
  public synchronized void schemaAgreed() throws SyncException {
    String now = sql(replica::schema).describe();
    sql(() -> {
      AgreedSchema.write(connection, now);
      return null;
    });
  }

  @Override
  public synchronized byte[] schemaDetail() throws SyncException {
    byte[] plain;
    try {
      TrackedSchema schema = sql(replica::schema);
      plain = SCHEMA_CODEC.writeValueAsBytes(new SchemaDescription(schema,
          sql(() -> SpaceTables.definitions(connection, schema))));
    } catch (IOException e) {
      throw new SyncException(Kind.INTERNAL, "cannot encode this replica's schema: " + e.getMessage(), e);
    }
    SpaceKey key = keys.key();
    return key == null ? plain : key.seal(plain, SCHEMA_AAD);
  }

  @Override
  public synchronized List<String> schemaDifferences(byte[] peerDetail) {
    try {
      return replica.schema().differences(description(peerDetail).schema());
    } catch (SealedDataException e) {
      // Since a space's first device leaves its description on the relay, this is how a relay's refusal shows a wrong
      // passphrase: the fingerprints differed because this device's key is not the space's.
      return List.of("wrong passphrase: the space's schema description does not open with this device's key (every"
          + " device of a space must use the same passphrase), so its fingerprint differs too");
    } catch (IOException | SQLException | IllegalArgumentException e) {
      return List.of("the peer's schema description could not be read (" + e.getMessage() + ")");
    }
  }

  /** A peer's {@link #schemaDetail()}, opened; one from before descriptions carried definitions has none. */
  private SchemaDescription description(byte[] peerDetail) throws IOException, SealedDataException {
    SpaceKey key = keys.key();
    byte[] plain = key == null ? peerDetail : key.open(peerDetail, SCHEMA_AAD);
    try {
      return SCHEMA_CODEC.readValue(plain, SchemaDescription.class);
    } catch (IOException e) {
      return new SchemaDescription(SCHEMA_CODEC.readValue(plain, TrackedSchema.class), null);
    }
  }

  @Override
  public synchronized SchemaMigration schemaIntroduction() throws SyncException {
    if (sql(() -> AgreedSchema.read(connection)) != null) {
      return null;
    }
    byte[] now = schemaFingerprint();
    return new SchemaMigration(now, now, schemaDetail());
  }

  @Override
  public synchronized boolean adoptSchema(byte[] peerDetail) throws SyncException {
    SchemaDescription space;
    try {
      space = description(peerDetail);
    } catch (IOException | SealedDataException | IllegalArgumentException e) {
      return false; // the refusal that follows quotes the peer, and says the description could not be read
    }
    return sql(() -> SpaceTables.adopt(connection, replica, space));
  }

  @Override
  public boolean encrypted() {
    return keys.enabled();
  }

  @Override
  public synchronized KeyInfo keyInfo(boolean createSpace) throws SyncException {
    if (createSpace && keys.enabled() && keys.key() == null && sql(replica::trackedTables).isEmpty()) {
      // Whoever makes a space's key is its first device, whose tables the space takes: a device with none would leave
      // the space with no tables, refusing the device that has the data.
      throw new SyncException(Kind.SCHEMA, "this device tracks no tables and its space has no key yet, so no device of"
          + " it has synced: sync the device that joined first (with the invite) before this one");
    }
    if (createSpace) {
      sql(() -> {
        keys.ensureKey(connection);
        return null;
      });
    }
    return keys.info();
  }

  @Override
  public synchronized KeyAgreement adoptKey(KeyInfo peer, boolean peerEncrypted) throws SyncException {
    return sql(() -> keys.adopt(connection, peer, peerEncrypted));
  }

  @Override
  public synchronized boolean forgetUnconfirmedKey() throws SyncException {
    return sql(() -> keys.forgetUnconfirmed(connection));
  }

  @Override
  public synchronized List<VectorEntry> vector() throws SyncException {
    return VectorEntry.list(sql(replica::versionVector));
  }

  @Override
  public synchronized TreeRoot root() throws SyncException {
    NodeSummary root = sql(() -> replica.merkleRoot(keys.hasher()));
    return new TreeRoot(root.count(), root.digest().bytes());
  }

  @Override
  public synchronized Changes changesFor(List<VectorEntry> peerVector, int maxCells) throws SyncException {
    Envelopes envelopes = envelopes();
    return numbering.reading(() -> {
      try (ChangeBatches batches = replica.batchesSince(VectorEntry.vector(peerVector), Math.max(1, maxCells))) {
        ChangeBatch batch = batches.next();
        if (batch == null) { // nothing was ever tracked here
          return new Changes(VectorEntry.list(replica.versionVector()), List.of(), List.of(), false);
        }
        return new Changes(VectorEntry.list(batch.senderVector()), VectorEntry.list(batch.covers()), envelopes.seal(batch.changes()),
            !batch.covers().equals(batch.senderVector()));
      }
    });
  }

  private volatile java.util.function.LongConsumer conflictObserver = n -> {};

  /** Told, after rows were numbered for sync, which moved where. One observer; null for none. */
  public void onRenumbered(Consumer<List<Renumbering>> observer) {
    numbering.onRenumbered(observer);
  }

  /** Told, after each stored batch that recorded conflicts, how many it recorded. One observer; null for none. */
  public void onConflicts(java.util.function.LongConsumer observer) {
    this.conflictObserver = observer == null ? n -> {} : observer;
  }

  /** The conflicts recorded and not yet settled. */
  public synchronized long unresolvedConflicts() throws SyncException {
    return sql(() -> (long) replica.conflicts().size());
  }

  @Override
  public synchronized long apply(Changes changes) throws SyncException {
    ChangeBatch batch = new ChangeBatch(VectorEntry.vector(changes.senderVector()), envelopes().open(changes.envelopes()),
        VectorEntry.vector(changes.covers()));
    try {
      MergeResult result = replica.apply(batch);
      numbering.renumbered(result.renumbered());
      if (result.conflicts() > 0) {
        conflictObserver.accept(result.conflicts()); // the batch is committed: the conflicts are there to read
      }
      return result.cellsApplied();
    } catch (SQLException e) {
      if (isLocalStorageFailure(e)) {
        throw new SyncException(Kind.INTERNAL, "this device's database could not take the batch (" + e.getMessage()
            + "); nothing of it was applied, and the next sync resumes from here once the database can be written",
            e);
      }
      throw new SyncException(Kind.REJECTED, "the batch was refused and nothing of it was applied: " + e.getMessage(),
          e);
    }
  }

  /** A full disk, a read-only or damaged file, a lock held too long: this side's trouble, not the batch's. */
  private static boolean isLocalStorageFailure(SQLException e) {
    if (!(e instanceof SQLiteException s)) {
      return false;
    }
    return switch (s.getResultCode().code & 0xff) {
      case 5, 6, 7, 8, 10, 11, 13, 14, 26 -> true; // BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
      default -> false;
    };
  }

  /** Remembers the sync in {@link SyncHistory}, with the peer's entry for this device's site. */
  @Override
  public synchronized void synced(byte[] peerSite, List<VectorEntry> peerVector, String peer) throws SyncException {
    sql(() -> {
      SiteId self = replica.siteId();
      long acked = VectorEntry.vector(peerVector).get(self);
      SyncHistory.record(connection, new SyncHistory.Peer(peerSite, peer, acked, Instant.now()));
      return null;
    });
  }

  @Override
  public synchronized List<VectorEntry> stableVector() throws SyncException {
    return VectorEntry.list(sql(replica::stablePoint));
  }

  @Override
  public synchronized void adoptStable(List<VectorEntry> peerStable) throws SyncException {
    sql(() -> replica.adoptStablePoint(VectorEntry.vector(peerStable)));
  }

  @Override
  public synchronized ReconcileView reconcileView() throws SyncException {
    TreeSnapshot snapshot = sql(() -> replica.treeSnapshot(keys.hasher()));
    return new ReconcileView() {
      @Override
      public MerkleTree<?> tree() {
        return snapshot.tree();
      }

      @Override
      public List<Envelope> envelopesOf(List<? extends Item<?>> items) throws SyncException {
        synchronized (ReplicaStore.this) {
          return envelopes().seal(numbering.reading(() -> snapshot.rowsOf(items)));
        }
      }
    };
  }

  @Override
  public synchronized List<Allocate.Ask> numbersWanted() throws SyncException {
    return numbering.wanted();
  }

  @Override
  public synchronized boolean settleNumbers(List<Allocate.Ask> asks, List<Long> first, byte[] source)
      throws SyncException {
    return numbering.settle(asks, first, source);
  }

  /** Answers from this database's counters when this store {@linkplain #handOutNumbers hands out numbers}. */
  @Override
  public synchronized List<Long> allocate(List<Allocate.Ask> asks) throws SyncException {
    return numbering.handsOut() ? numbering.allocate(asks) : AnsweringStore.super.allocate(asks);
  }

  /** Closes the store's connection and forgets the space key. */
  @Override
  public synchronized void close() throws SQLException {
    keys.close();
    connection.close();
  }

  @Override
  public String toString() {
    return "ReplicaStore[" + replica + ", " + (keys.enabled() ? "encrypted" : "plain") + "]";
  }

  private Envelopes envelopes() throws SyncException {
    return new Envelopes(keys.hasher(), keys.key(), sql(replica::schema));
  }

  private interface SqlCall<T> {
    T call() throws SQLException;
  }

  /** A database error on this side: the peer did nothing wrong. */
  private static <T> T sql(SqlCall<T> call) throws SyncException {
    try {
      return call.call();
    } catch (SQLException e) {
      throw new SyncException(Kind.INTERNAL, "the local database failed: " + e.getMessage(), e);
    }
  }
}
